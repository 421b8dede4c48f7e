"""Logged-in sessions made directly in the session store, for websocket tests (a login through
the pages would cost a request and a password hash each), and the websocket a page opens."""

from urllib.parse import urlsplit

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from community.asgi import application


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
