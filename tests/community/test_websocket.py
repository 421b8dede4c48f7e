"""The live layer's entry: an authenticated websocket that answers a ping."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from live_sessions import session_cookie

from community.asgi import application
from messaging.consumers import CLOSE_UNAUTHENTICATED

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def session_cookie_for(user) -> bytes:
    return session_cookie(user)


def communicator(cookie: bytes = b"", origin: bytes = b"http://localhost"):
    headers = [(b"origin", origin)]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


async def test_an_authenticated_member_gets_pong_for_ping(member):
    socket = communicator(await session_cookie_for(member))
    connected, _ = await socket.connect()
    assert connected
    assert await socket.receive_json_from() == {"type": "hello", "user": member.pk}
    await socket.send_json_to({"type": "ping", "id": 7})
    assert await socket.receive_json_from() == {"type": "pong", "id": 7}
    await socket.disconnect()


async def test_a_visitor_without_session_is_refused():
    socket = communicator()
    connected, code = await socket.connect()
    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


async def test_a_foreign_origin_is_refused_even_with_a_session(member):
    socket = communicator(await session_cookie_for(member), origin=b"https://evil.example")
    connected, _ = await socket.connect()
    assert not connected


async def test_malformed_and_unknown_messages_get_an_error_not_a_disconnection(member):
    socket = communicator(await session_cookie_for(member))
    await socket.connect()
    await socket.receive_json_from()  # hello
    await socket.send_to(text_data="{pas du json")
    assert (await socket.receive_json_from())["type"] == "error"
    await socket.send_json_to({"type": "danse"})
    reply = await socket.receive_json_from()
    assert reply == {"type": "error", "reason": "type de message inconnu", "received": "danse"}
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from())["type"] == "pong"
    await socket.disconnect()
