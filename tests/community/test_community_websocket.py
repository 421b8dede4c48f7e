"""The live layer's entry: an authenticated websocket from a page of the site, that answers a
ping; a handshake from any other origin (another site, another port, http: for an https: site)
is refused."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from live_sessions import page_socket, session_cookie

from entrepairs.asgi import application
from messaging.consumers import CLOSE_UNAUTHENTICATED

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def session_cookie_for(user) -> bytes:
    return session_cookie(user)


def communicator(cookie: bytes = b""):
    return page_socket(cookie)


def handshake(cookie: bytes, *headers: tuple[bytes, bytes], proxy: bool = False):
    """A websocket handshake with these headers; `proxy`: it comes through the trusted proxy
    (the loopback nginx), which says the client's scheme in X-Forwarded-Proto."""
    socket = WebsocketCommunicator(
        application, "/ws/live/", headers=[*headers, (b"cookie", cookie)]
    )
    if proxy:
        socket.scope["client"] = ("127.0.0.1", 41000)
    return socket


async def opens(socket) -> bool:
    connected, _ = await socket.connect()
    await socket.disconnect()
    return connected


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
    cookie = await session_cookie_for(member)
    socket = handshake(cookie, (b"origin", b"https://evil.example"), (b"host", b"127.0.0.1:8000"))
    assert not await opens(socket)


async def test_the_same_host_on_another_port_is_another_origin_and_is_refused(settings, member):
    settings.SITE_URL = "http://127.0.0.1:8000"
    cookie = await session_cookie_for(member)
    host = (b"host", b"127.0.0.1:8000")
    assert not await opens(handshake(cookie, (b"origin", b"http://127.0.0.1:8001"), host))
    assert await opens(handshake(cookie, (b"origin", b"http://127.0.0.1:8000"), host))


async def test_an_http_page_cannot_open_the_websocket_of_an_https_site(settings, member):
    settings.SITE_URL = "https://entrepairs.example.org"
    settings.ALLOWED_HOSTS = ["entrepairs.example.org"]
    cookie = await session_cookie_for(member)
    through_tls = [(b"host", b"entrepairs.example.org"), (b"x-forwarded-proto", b"https")]
    http_page = handshake(
        cookie, (b"origin", b"http://entrepairs.example.org"), *through_tls, proxy=True
    )
    https_page = handshake(
        cookie, (b"origin", b"https://entrepairs.example.org"), *through_tls, proxy=True
    )
    assert not await opens(http_page)
    assert await opens(https_page)


async def test_a_handshake_without_origin_is_refused(member):
    socket = handshake(await session_cookie_for(member), (b"host", b"127.0.0.1:8000"))
    assert not await opens(socket)


async def test_a_host_the_site_does_not_serve_gives_its_origin_no_right(member):
    """DNS rebinding: a page of evil.example whose name now points to the server."""
    cookie = await session_cookie_for(member)
    rebound = handshake(
        cookie, (b"origin", b"http://evil.example:8000"), (b"host", b"evil.example:8000")
    )
    assert not await opens(rebound)


async def test_an_origin_of_csrf_trusted_origins_is_accepted(settings, member):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.entrepairs.example.org"]
    cookie = await session_cookie_for(member)
    host = (b"host", b"127.0.0.1:8000")
    trusted = handshake(cookie, (b"origin", b"https://guides.entrepairs.example.org"), host)
    lookalike = handshake(cookie, (b"origin", b"https://entrepairs.example.org.evil.example"), host)
    assert await opens(trusted)
    assert not await opens(lookalike)


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
