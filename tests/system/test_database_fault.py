"""PostgreSQL lost under a running daphne process: its connections terminated by the server, or
the database out of reach (the process reaches it through a relay on loopback that the test
cuts). Pages answer the French 503 page, never a traceback, and the site recovers by itself once
the database is back. Runs when DATABASE_URL is PostgreSQL (CI's second leg)."""

import asyncio
import os
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from system_members import Member, post_id_of, reply_over_http, thread_and_club
from system_servers import ROOT, DaphneProcess, free_port

pytestmark = pytest.mark.system
PASSWORD = os.environ.get("DEMO_PASSWORD", "entrepairs-demo")
PAGES = ("/", "/clubs/secretaires-de-mairie/")


class CuttableRelay:
    """A TCP relay from a loopback port to the database: `cut()` drops every relayed connection
    and stops listening, as a network failure would; `restore()` listens again on the same port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.transports: set[asyncio.Transport] = set()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.restore()

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)

    def restore(self) -> None:
        self._run(self._listen())

    def cut(self) -> None:
        self._run(self._cut())

    def close(self) -> None:
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)

    async def _listen(self):
        self.server = await asyncio.start_server(
            self._relay, "127.0.0.1", self.port, reuse_address=True
        )

    async def _cut(self):
        if self.server is not None:
            self.server.close()
            self.server = None
        for transport in list(self.transports):
            transport.abort()
        self.transports.clear()

    async def _relay(self, client_reader, client_writer):
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.transports |= {client_writer.transport, upstream_writer.transport}
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer), self._pipe(upstream_reader, client_writer)
        )

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()


@pytest.fixture
def postgresql_server_env(server_env):
    url = server_env["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "DATABASE_URL n'est pas PostgreSQL : la coupure de la base se vérifie sur "
            "PostgreSQL (seconde étape de CI)"
        )
    return server_env


@pytest.fixture
def site_through_relay(postgresql_server_env, tmp_path):
    """A daphne process that reaches PostgreSQL through the relay, keeping its connections
    between requests (health-checked at each one), as in production."""
    parts = urlsplit(postgresql_server_env["DATABASE_URL"])
    relay = CuttableRelay(parts.hostname, parts.port or 5432)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{relay.port}" if credentials else f"127.0.0.1:{relay.port}"
    env = {
        **postgresql_server_env,
        "DATABASE_URL": urlunsplit(parts._replace(netloc=netloc)),
        "DB_CONN_MAX_AGE": "60",
        # Production's error pages (DEBUG=0), hence its collected static files.
        "DEBUG": "0",
        "SECRET_KEY": "une-cle-de-test-assez-longue-pour-la-production-0123456789-abcdef",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASKS_BACKEND": "immediate",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    site = DaphneProcess(env, tmp_path / "daphne.log")
    yield site, relay
    site.stop()
    relay.close()


def statuses(member: Member) -> dict[str, int]:
    return {path: member.get(path).status_code for path in PAGES}


def wait_for_all(member: Member, status: int, within: float) -> dict[str, int]:
    deadline = time.monotonic() + within
    while True:
        seen = statuses(member)
        if set(seen.values()) == {status} or time.monotonic() > deadline:
            return seen
        time.sleep(0.3)


def test_an_unreachable_database_gives_the_503_page_then_the_site_recovers(site_through_relay):
    site, relay = site_through_relay
    member = Member(site.url, "secretaire@demo.test", PASSWORD)
    thread_path, _club_id = thread_and_club(member)
    assert statuses(member) == dict.fromkeys(PAGES, 200)

    relay.cut()
    for path in PAGES:
        page = member.get(path)
        assert page.status_code == 503, (path, page.status_code, site.log_tail())
        assert "Service momentanément indisponible" in page.text
        assert "Traceback" not in page.text and "psycopg" not in page.text
        assert page.headers["Retry-After"] == "30"
    assert member.get("/healthz").status_code == 503

    relay.restore()
    assert wait_for_all(member, 200, within=15) == dict.fromkeys(PAGES, 200), site.log_tail()
    answer = reply_over_http(member, thread_path, "Écrit après le retour de la base")
    assert "Écrit après le retour de la base" in member.get(f"{thread_path}").text
    post_id_of(answer)


def test_connections_terminated_by_postgresql_are_replaced_without_an_error(site_through_relay):
    site, _relay = site_through_relay
    member = Member(site.url, "secretaire@demo.test", PASSWORD)
    assert statuses(member) == dict.fromkeys(PAGES, 200)
    database = urlsplit(site.env["DATABASE_URL"]).path.lstrip("/")
    admin_url = os.environ["DATABASE_URL"].rpartition("/")[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        terminated = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchone()[0]
    assert terminated >= 1, "the site should have kept a connection open"
    seen = [statuses(member) for _ in range(3)]
    assert all(status in (200, 503) for each in seen for status in each.values()), site.log_tail()
    assert seen[-1] == dict.fromkeys(PAGES, 200), (seen, site.log_tail())
