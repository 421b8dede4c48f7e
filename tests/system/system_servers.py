"""Real daphne processes on 127.0.0.1, and the services they need."""

import email
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import nullcontext
from email import policy
from email.message import EmailMessage
from pathlib import Path

import psycopg
import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne stopped with code {process.returncode}")
        try:
            requests.get(url, timeout=2)
            return
        # A busy machine may accept the connection before daphne can answer it.
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise TimeoutError(f"daphne did not answer on {url} within {timeout} s")


IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_url_or_skip() -> str:
    """REDIS_URL, or the local Redis; skipped on a laptop without one, a failure in CI."""
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if IN_CI:
            pytest.fail(f"Redis injoignable à {url} : CI doit le démarrer")
        pytest.skip(f"test réservé à une machine avec Redis ({url} injoignable)")
    return url


def server_database_url(folder) -> str:
    """A database for server processes: a fresh PostgreSQL database of its own next to
    DATABASE_URL's when that is PostgreSQL (the test database is invisible to other processes),
    else a SQLite file. `drop_server_database` removes it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{folder / 'db.sqlite3'}"
    base, _, name = url.rpartition("/")
    system_name = f"{name.split('?')[0]}_system_{os.getpid()}_{folder.name}"[:63]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{system_name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{system_name}"')
    return f"{base}/{system_name}"


def drop_server_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def demo_server_env(folder: Path) -> dict:
    """Environment of server processes: their own database (see `server_database_url`),
    migrated, with the demo data; the channel layer of REDIS_URL when set."""
    inherited = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    env.update(
        DATABASE_URL=server_database_url(folder),
        MEDIA_ROOT=str(folder / "media"),
        DEBUG="1",
        PYTHONUNBUFFERED="1",
        # The demo moderators and staff have no second factor (see the README's demo accounts).
        REQUIRE_MFA_FOR_POWERS="0",
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
def server_env(tmp_path_factory):
    env = demo_server_env(tmp_path_factory.mktemp("server"))
    yield env
    drop_server_database(env["DATABASE_URL"])


class DaphneProcess:
    """A daphne process on a free loopback port, stopped by `stop()`; `kill()` then `start()`
    brings it back on the same port. With a `log_path`, its output goes there, to read
    (`log_tail`) when a test fails."""

    def __init__(self, env: dict, log_path: Path | None = None):
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.start()

    def start(self) -> None:
        command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)]
        output = open(self.log_path, "ab") if self.log_path else nullcontext(subprocess.DEVNULL)  # noqa: SIM115
        with output as log:
            self.process = subprocess.Popen(
                [*command, "community.asgi:application"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_serving(self.url + "/healthz", self.process)
        except Exception:
            self.stop()
            raise

    def kill(self) -> None:
        """Stop at once, as a crash or an out-of-memory kill would: no clean shutdown."""
        self.process.kill()
        self.process.wait(timeout=10)

    def log_tail(self, characters: int = 4000) -> str:
        if self.log_path is None:
            return "(no log kept)"
        return self.log_path.read_text(errors="replace")[-characters:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# --- A private Redis ---------------------------------------------------------------------------


def redis_server_or_skip() -> str:
    """The redis-server program; skipped on a machine without it, a failure in CI."""
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.access(executable, os.X_OK):
        if IN_CI:
            pytest.fail("redis-server introuvable : CI doit l'installer")
        pytest.skip("test réservé à une machine où redis-server est installé")
    return executable


class RedisProcess:
    """A redis-server of the test's own on a free loopback port (never the shared one): nothing
    saved to disk; `stop()` then `start()` brings it back on the same port, empty."""

    def __init__(self, executable: str, folder: Path):
        self.executable, self.folder = executable, folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self, timeout: float = 10) -> None:
        arguments = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        arguments += ["--appendonly", "no", "--daemonize", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(
            [self.executable, *arguments],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server stopped with code {self.process.returncode}")
            try:
                redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5).ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"redis-server silent on port {self.port}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# --- An SMTP server on loopback ----------------------------------------------------------------


class Mailbox:
    """The messages an SMTP server on loopback received (aiosmtpd handler)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, recipient: str, timeout: float = 10) -> EmailMessage:
        """The last message sent to the recipient, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(self.messages):
                if message["To"] == recipient:
                    return message
            time.sleep(0.1)
        raise TimeoutError(f"no email to {recipient} within {timeout} s")
