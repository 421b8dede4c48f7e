"""Real daphne processes on 127.0.0.1, and the services they need."""

import email
import os
import re
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


def stop_process(process: subprocess.Popen) -> None:
    """Ask the process to stop; kill it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


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


DAPHNE_UNIT = ROOT / "deploy" / "entrepairs-daphne@.service"
APPLICATION = "entrepairs.asgi:application"


def daphne_options_of_the_unit() -> list[str]:
    """daphne's options as deploy/entrepairs-daphne@.service gives them, its port (%i) left as
    "{port}": a test that runs them runs what production runs."""
    line = next(
        line for line in DAPHNE_UNIT.read_text().splitlines() if line.startswith("ExecStart=")
    )
    program, *options, application = line.removeprefix("ExecStart=").split()
    assert program.endswith("/daphne") and application == APPLICATION, line
    return [option.replace("%i", "{port}") for option in options]


class DaphneProcess:
    """A daphne process on a free loopback port, stopped by `stop()`; `kill()` then `start()`
    brings it back on the same port. With a `log_path`, its output goes there, to read
    (`log_tail`) when a test fails. `options` replace daphne's own ("{port}" is its port)."""

    def __init__(self, env: dict, log_path: Path | None = None, options: list[str] | None = None):
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.options = options or ["-b", "127.0.0.1", "-p", "{port}"]
        self.start()

    def start(self) -> None:
        options = [option.format(port=self.port) for option in self.options]
        output = open(self.log_path, "ab") if self.log_path else nullcontext(subprocess.DEVNULL)  # noqa: SIM115
        with output as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "daphne", *options, APPLICATION],
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
        stop_process(self.process)


# --- A private Redis ---------------------------------------------------------------------------


def program_or_skip(name: str, usual_path: str) -> str:
    """The program's path; skipped on a machine without it, a failure in CI."""
    executable = shutil.which(name) or usual_path
    if not os.access(executable, os.X_OK):
        if IN_CI:
            pytest.fail(f"{name} introuvable : CI doit l'installer")
        pytest.skip(f"test réservé à une machine où {name} est installé ({usual_path})")
    return executable


def redis_server_or_skip() -> str:
    return program_or_skip("redis-server", "/usr/bin/redis-server")


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
        stop_process(self.process)


# --- nginx on loopback, configured by deploy/nginx.conf ----------------------------------------

NGINX_SITE = ROOT / "deploy" / "nginx.conf"


def nginx_or_skip() -> str:
    return program_or_skip("nginx", "/usr/sbin/nginx")


def _replaced(pattern: str, replacement: str, text: str) -> str:
    result, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if not count:
        raise ValueError(f"deploy/nginx.conf a changé : « {pattern} » n'y est plus")
    return result


def loopback_site(
    site: str, *, port: int, redirect_port: int, upstreams: list[str], static_root: Path
) -> str:
    """deploy/nginx.conf, made to run on loopback by an ordinary user: the same locations and
    headers, in plain HTTP on `port` (its TLS lines go), in front of the daphne processes of
    `upstreams` ("127.0.0.1:8001"), with the static files of `static_root`."""
    site = _replaced(r"^\s*ssl_certificate(_key)?\s[^;]*;\n", "", site)
    site = _replaced(r"listen 443\b[^;]*;", f"listen 127.0.0.1:{port};", site)
    site = _replaced(r"listen 80;", f"listen 127.0.0.1:{redirect_port};", site)
    servers = "".join(f"    server {upstream};\n" for upstream in upstreams)
    site = _replaced(r"(upstream entrepairs \{\n)(?:\s*server [^;]*;\n)+", rf"\g<1>{servers}", site)
    return _replaced(r"alias /srv/entrepairs/staticfiles/;", f"alias {static_root}/;", site)


def nginx_conf(site: str, folder: Path, *, main: str = "", http: str = "") -> str:
    """A whole nginx configuration around the site: in the foreground, its files in `folder`;
    `main` and `http` are more lines for those contexts."""
    return f"""daemon off;
{main}
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
{http}
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
"""


class NginxProcess:
    """nginx on a loopback port (`port`, or a free one), configured by deploy/nginx.conf in front
    of the daphne processes of `upstreams`, its files in `folder`; stopped by `stop()`."""

    def __init__(self, executable: str, folder: Path, upstreams: list[str], port: int = 0):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        site = loopback_site(
            NGINX_SITE.read_text(),
            port=self.port,
            redirect_port=free_port(),
            upstreams=upstreams,
            static_root=ROOT / "static",
        )
        conf = folder / "nginx.conf"
        conf.write_text(nginx_conf(site, folder))
        command = [executable, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        try:
            self._wait_until_listening()
        except Exception:
            self.stop()
            raise

    def _wait_until_listening(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"nginx stopped with code {code}: {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"nginx silent on port {self.port}: {self.log()}") from None
                time.sleep(0.1)

    def log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        stop_process(self.process)


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
