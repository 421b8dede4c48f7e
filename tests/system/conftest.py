"""Real daphne processes on 127.0.0.1, for tests that need the whole server."""

import os
import subprocess
import sys

import pytest
from system_servers import ROOT, DaphneProcess, redis_url_or_skip, server_database_url


@pytest.fixture(scope="session")
def server_env(tmp_path_factory):
    """Environment of server processes: their own database (see above), the channel layer of
    REDIS_URL when set, and the demo data."""
    folder = tmp_path_factory.mktemp("server")
    inherited = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    env.update(
        DATABASE_URL=server_database_url(folder),
        MEDIA_ROOT=str(folder / "media"),
        DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return env


@pytest.fixture(scope="session")
def daphne_server(server_env):
    """One daphne process serving the site; yields its base URL and stops it at the end."""
    server = DaphneProcess(server_env)
    yield server.url
    server.stop()


@pytest.fixture
def redis_server_env(server_env):
    """The server environment with the Redis channel layer, shared by several processes."""
    return {**server_env, "REDIS_URL": redis_url_or_skip()}
