"""Logged-in sessions made directly in the session store, for websocket tests (a login through
the pages would cost a request and a password hash each), and the live page's first steps:
open the websocket as a page of the site does, subscribe to a club, wait for its next event."""

from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from community import after_commit
from entrepairs.asgi import application

db = database_sync_to_async


def logged_in_session(user) -> SessionStore:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session


def session_cookie(user) -> bytes:
    """The Cookie header of a new logged-in session of the user."""
    return f"{settings.SESSION_COOKIE_NAME}={logged_in_session(user).session_key}".encode()


def page_socket(cookie: bytes = b"") -> WebsocketCommunicator:
    """The live websocket as a page of the site opens it: from the site's origin (SITE_URL, as
    Origin and Host), with the Cookie header if one is given."""
    headers = [
        (b"origin", settings.SITE_URL.encode()),
        (b"host", urlsplit(settings.SITE_URL).netloc.encode()),
    ]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


@db
def session_for(user) -> SessionStore:
    return logged_in_session(user)


async def open_socket(user, session=None):
    """A live page of the user (in a new session, or in the one given)."""
    return await socket_of_session(session or await session_for(user))


async def socket_of_session(session: SessionStore) -> WebsocketCommunicator:
    socket = page_socket(f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode())
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"
    return socket


async def subscribed(user, club, after=None):
    socket = await open_socket(user)
    frame = {"type": "subscribe", "stream": after_commit.group_name("club", club.pk)}
    if after is not None:
        frame["after"] = after
    await socket.send_json_to(frame)
    answer = await socket.receive_json_from()
    assert answer["type"] == "subscribed", answer
    return socket


async def next_event(socket, timeout=5):
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] == "event":
            return frame


async def frames_within(socket, seconds: float) -> list[dict]:
    """Every frame the page receives in the next `seconds` (badge updates included)."""
    frames = []
    while not await socket.receive_nothing(timeout=seconds):
        frames.append(await socket.receive_json_from())
    return frames
