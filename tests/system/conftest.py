"""Real servers on 127.0.0.1 for the system tests: daphne processes, and an SMTP server."""

import pytest
from aiosmtpd.controller import Controller
from system_servers import (
    DaphneProcess,
    Mailbox,
    free_port,
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


@pytest.fixture
def smtp_server(settings):
    port = free_port()
    inbox = Mailbox()
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
