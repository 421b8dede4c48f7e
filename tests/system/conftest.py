"""Real servers on 127.0.0.1 for the system tests: daphne processes, and an SMTP server."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from system_servers import (
    DaphneProcess,
    redis_url_or_skip,
    server_env,  # noqa: F401  (the fixture, shared with tests/e2e)
)


@pytest.fixture(scope="session")
def daphne_server(request):
    """One daphne process serving the site; yields its base URL and stops it at the end."""
    server = DaphneProcess(request.getfixturevalue("server_env"))
    yield server.url
    server.stop()


@pytest.fixture
def redis_server_env(request):
    """The server environment with the Redis channel layer, shared by several processes."""
    return {**request.getfixturevalue("server_env"), "REDIS_URL": redis_url_or_skip()}


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "http://testserver"
    yield inbox
    controller.stop()
