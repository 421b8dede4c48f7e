"""Real daphne processes on 127.0.0.1, for tests that need the whole server."""

import pytest
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
