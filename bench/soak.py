"""Load and soak: simulated members against one daphne process, PostgreSQL and Redis on loopback.

Each simulated member holds one websocket subscribed to their club's stream, reads pages over
HTTP (the club page, a thread page) every 10 to 30 s, and now and then posts a reply over the
socket. Every client does what static/js/live.js does with sequence numbers: it drops an event
already applied, and on a gap asks for the missed events (`subscribe` with `after`), and once
more at the end. A post acknowledged by the server and missing, after that, from a member of its
club who was connected then, is a lost message; gaps (live deliveries dropped, then recovered
from the event log) are counted apart.
Prints errors, lost messages, page latency (p50, p95), post acknowledgement latency, and the
daphne process's memory every 10 s with its trend; writes them into docs/performance.md between
the `soak` markers.

    .venv/bin/python bench/soak.py [--members 200] [--seconds 120]

The database is a fresh PostgreSQL database of its own (SOAK_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/entrepairs_soak, dropped and created again); the channel
layer and cache are REDIS_URL's (default redis://127.0.0.1:6379/0). The server runs as in
production (DEBUG=0, collected static files, the database kept open between requests).
"""

import argparse
import asyncio
import concurrent.futures
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests
import websockets
from websockets.typing import Origin

ROOT = Path(__file__).resolve().parents[1]
PERFORMANCE_DOC = ROOT / "docs" / "performance.md"
START_MARK, END_MARK = "<!-- soak:start -->", "<!-- soak:end -->"
CLUBS = ("secretaires-de-mairie", "archivistes", "acheteurs-publics")
MEMORY_EVERY = 10  # seconds
SETTLE = 10  # seconds after the last post, for the last events to arrive
ARRIVAL_MARGIN = 5  # seconds

# Run inside the server's environment: members spread over the demo clubs, each with a session
# made directly (the login page's rate limit would, rightly, refuse 200 logins a minute from one
# address), and the threads they may post in.
SETUP_MEMBERS = """
import json, sys
import django
django.setup()
from importlib import import_module
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from clubs.models import Club, Membership
from community.models import User
from messaging.models import Thread

count, slugs = int(sys.argv[1]), sys.argv[2].split(",")
store = import_module(settings.SESSION_ENGINE).SessionStore
clubs = [Club.objects.get(slug=slug) for slug in slugs]
threads = {c.pk: list(Thread.objects.filter(club=c, locked=False).values_list("pk", flat=True)[:5])
           for c in clubs}
members = []
for n in range(count):
    club = clubs[n % len(clubs)]
    user, _ = User.objects.get_or_create(email=f"charge{n}@bench.test")
    EmailAddress.objects.get_or_create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.get_or_create(user=user, club=club)
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    members.append({"session": session.session_key, "club": club.pk, "slug": club.slug,
                    "threads": threads[club.pk]})
print(json.dumps(members))
"""


# --- The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(url: str) -> None:
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def server_env(database_url: str, redis_url: str, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DEBUG="0",
        SECRET_KEY="charge-et-endurance-" + uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        TASKS_BACKEND="immediate",
        DB_CONN_MAX_AGE="60",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        POSTS_PER_MINUTE="1000",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict, *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return done.stdout


def prepare(env: dict, members: int) -> list[dict]:
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "seed_demo")
    done = subprocess.run(
        [sys.executable, "-c", SETUP_MEMBERS, str(members), ",".join(CLUBS)],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "entrepairs.settings"},
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return json.loads(done.stdout)


def start_daphne(env: dict, port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [*command, "entrepairs.asgi:application"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except requests.ConnectionError:
            time.sleep(0.3)
    process.kill()
    raise TimeoutError("daphne did not answer")


def resident_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


# --- The simulated members ----------------------------------------------------------------------


@dataclass
class Results:
    errors: list[str] = field(default_factory=list)
    page_seconds: list[float] = field(default_factory=list)
    ack_seconds: list[float] = field(default_factory=list)
    gaps: int = 0  # live deliveries missed, recovered from the event log
    resyncs: int = 0
    acked: dict[int, list[tuple[int, float]]] = field(default_factory=dict)  # club → (post, t)


class SimulatedMember:
    def __init__(self, spec: dict, base_url: str, results: Results, pool, *, post_every: float):
        self.spec, self.base_url, self.results, self.pool = spec, base_url, results, pool
        self.post_every = post_every
        self.cookie = f"sessionid={spec['session']}"
        self.http = requests.Session()
        self.stream = f"club.{spec['club']}"
        self.last_seq: int | None = None
        self.received_posts: set[int] = set()
        self.connected_from: float | None = None
        self.connected_until: float | None = None
        self.pending: dict[str, float] = {}  # client_id → time sent
        self.catch_up_asked = 0.0

    def error(self, what: str) -> None:
        self.results.errors.append(f"{self.spec['session'][:6]} {what}"[:300])

    def read_page(self, path: str) -> None:
        start = time.perf_counter()
        answer = self.http.get(self.base_url + path, headers={"Cookie": self.cookie}, timeout=30)
        elapsed = time.perf_counter() - start
        if answer.status_code != 200:
            self.error(f"GET {path} → {answer.status_code}")
        else:
            self.results.page_seconds.append(elapsed)

    async def run(self, until: float) -> None:
        url = self.base_url.replace("http://", "ws://") + "/ws/live/"
        try:
            async with websockets.connect(
                url, additional_headers={"Cookie": self.cookie}, origin=Origin(self.base_url),
                open_timeout=60, ping_timeout=60,
            ) as socket:  # fmt: skip
                await socket.send(json.dumps({"type": "subscribe", "stream": self.stream}))
                reader = asyncio.create_task(self.read_frames(socket))
                try:
                    await self.act(socket, until)
                    await asyncio.sleep(SETTLE / 2)
                    await self.catch_up(socket)  # as a page does every 30 s
                    await asyncio.sleep(SETTLE / 2)
                finally:
                    self.connected_until = time.monotonic() - SETTLE
                    reader.cancel()
                    await asyncio.gather(reader, return_exceptions=True)
        except Exception as error:
            self.error(f"websocket : {type(error).__name__}: {error}")
        for client_id in self.pending:
            self.error(f"post {client_id} sans accusé de réception")

    async def act(self, socket, until: float) -> None:
        loop = asyncio.get_running_loop()
        club_path = f"/clubs/{self.spec['slug']}/"
        while time.monotonic() < until:
            await asyncio.sleep(random.uniform(10, 30))
            thread = random.choice(self.spec["threads"])
            path = random.choice([club_path, f"{club_path}fils/{thread}/"])
            try:
                await loop.run_in_executor(self.pool, self.read_page, path)
            except requests.RequestException as error:
                self.error(f"GET {path} : {type(error).__name__}")
            if self.connected_from is not None and random.random() < 20 / self.post_every:
                client_id = uuid.uuid4().hex
                self.pending[client_id] = time.perf_counter()
                frame = {"type": "post", "thread": thread, "client_id": client_id,
                         "source": f"Message de charge {client_id[:8]}"}  # fmt: skip
                await socket.send(json.dumps(frame))

    async def read_frames(self, socket) -> None:
        async for text in socket:
            frame = json.loads(text)
            kind = frame.get("type")
            if kind == "subscribed" and self.last_seq is None:
                self.last_seq = frame["seq"]
                self.connected_from = time.monotonic()
            elif kind == "event" and frame.get("stream") == self.stream:
                await self.apply(socket, frame)
            elif kind == "resync":
                self.results.resyncs += 1
                self.error(f"resync : {frame}")
            elif kind == "ack":
                sent = self.pending.pop(frame["client_id"], None)
                if sent is not None:
                    self.results.ack_seconds.append(time.perf_counter() - sent)
                    self.results.acked.setdefault(self.spec["club"], []).append(
                        (frame["post"], time.monotonic())
                    )
            elif kind == "error":
                self.error(f"trame d'erreur : {frame}")

    async def apply(self, socket, frame: dict) -> None:
        if self.last_seq is None:
            return  # not subscribed yet: the subscription starts after this event
        if frame["seq"] <= self.last_seq:
            return  # replay and live delivery overlapped: already applied
        if frame["seq"] > self.last_seq + 1:
            if time.monotonic() - self.catch_up_asked > 5:  # once, not at every later event
                self.results.gaps += 1
                await self.catch_up(socket)
            return
        self.last_seq = frame["seq"]
        self.catch_up_asked = 0.0
        if frame.get("event") == "post.created":
            self.received_posts.add(frame["post"])

    async def catch_up(self, socket) -> None:
        self.catch_up_asked = time.monotonic()
        frame = {"type": "subscribe", "stream": self.stream, "after": self.last_seq}
        await socket.send(json.dumps(frame))


def lost_messages(members: list[SimulatedMember], results: Results) -> int:
    """Acknowledged posts that did not reach a member of their club connected at the time."""
    lost = 0
    for member in members:
        if member.connected_from is None:
            continue
        for post_id, at in results.acked.get(member.spec["club"], []):
            # (a margin after subscribing: a post acknowledged then may have been saved before)
            start = member.connected_from + ARRIVAL_MARGIN
            window = start < at < (member.connected_until or float("inf"))
            if window and post_id not in member.received_posts:
                lost += 1
    return lost


# --- Figures ------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def p50_p95(seconds: list[float]) -> str:
    return f"{1000 * percentile(seconds, 0.5):.0f} ms / {1000 * percentile(seconds, 0.95):.0f} ms"


def slope_mb_per_minute(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of memory over time."""
    if len(samples) < 2:
        return float("nan")
    times, sizes = [t / 60 for t, _ in samples], [m for _, m in samples]
    mean_t, mean_m = statistics.fmean(times), statistics.fmean(sizes)
    spread = sum((t - mean_t) ** 2 for t in times)
    return sum((t - mean_t) * (m - mean_m) for t, m in zip(times, sizes, strict=True)) / spread


async def watch_memory(pid: int, until: float, samples: list) -> None:
    start = time.monotonic()
    while time.monotonic() < until:
        samples.append((time.monotonic() - start, resident_memory_mb(pid)))
        await asyncio.sleep(MEMORY_EVERY)
    samples.append((time.monotonic() - start, resident_memory_mb(pid)))


async def load(specs, base_url, pid, seconds, post_every) -> tuple[Results, list, list]:
    results = Results()
    samples: list[tuple[float, float]] = []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=24)
    members = [
        SimulatedMember(spec, base_url, results, pool, post_every=post_every) for spec in specs
    ]
    until = time.monotonic() + seconds
    memory = asyncio.create_task(watch_memory(pid, until + SETTLE, samples))
    tasks = []
    for member in members:  # arrive over a few seconds, not all in the same millisecond
        tasks.append(asyncio.create_task(member.run(until)))
        await asyncio.sleep(0.02)
    await asyncio.gather(*tasks)
    await memory
    pool.shutdown()
    return results, members, samples


def report(args, results, members, samples) -> tuple[str, list[str]]:
    lost = lost_messages(members, results)
    posts = sum(len(acked) for acked in results.acked.values())
    delivered = sum(len(m.received_posts) for m in members)
    connected = sum(1 for m in members if m.connected_from is not None)
    slope = slope_mb_per_minute(samples)
    later = samples[len(samples) // 2 :]
    figures = [
        ("membres simulés (websockets ouvertes)", f"{args.members} ({connected})"),
        ("durée", f"{args.seconds} s"),
        ("pages lues", f"{len(results.page_seconds)}"),
        ("messages publiés (accusés reçus)", f"{posts}"),
        ("messages reçus, en direct ou rattrapés (toutes pages)", f"{delivered}"),
        ("erreurs", f"{len(results.errors)}"),
        ("messages perdus", f"{lost}"),
        ("trous rattrapés par le journal (resync)", f"{results.gaps} ({results.resyncs})"),
        ("latence des pages p50 / p95", p50_p95(results.page_seconds)),
        ("accusé de réception d'un message p50 / p95", p50_p95(results.ack_seconds)),
        ("mémoire de daphne (début → fin)", f"{samples[0][1]:.0f} Mo → {samples[-1][1]:.0f} Mo"),
        ("tendance de la mémoire (tout / seconde moitié)",
         f"{slope:+.2f} Mo/min / {slope_mb_per_minute(later):+.2f} Mo/min"),
    ]  # fmt: skip
    memory = ", ".join(f"{m:.0f}" for _, m in samples)
    lines = [f"| {name} | {value} |" for name, value in figures]
    text = "\n".join(
        [
            "## Charge et endurance",
            "",
            f"`make soak` (`bench/soak.py --members {args.members} --seconds {args.seconds}`) : "
            "un processus daphne (DEBUG=0), PostgreSQL et Redis sur la même machine (2 cœurs "
            "partagés avec d'autres travaux). Chaque membre simulé garde une websocket abonnée au "
            "flux de son club, lit une page toutes les 10 à 30 s et publie un message toutes les "
            f"{args.post_every:.0f} s en moyenne par la websocket ; comme la page, il écarte un "
            "événement déjà appliqué et, sur un trou de numéros, demande les événements manqués "
            "(`after`), puis une dernière fois à la fin. Un message accusé qui manque alors à un "
            "membre de son club connecté à ce moment-là est perdu.",
            "",
            "| mesure | valeur |",
            "| --- | --- |",
            *lines,
            "",
            f"Mémoire résidente de daphne toutes les {MEMORY_EVERY} s (Mo) : {memory}.",
        ]
    )
    return text, results.errors


def write_section(text: str) -> None:
    section = f"{START_MARK}\n{text}\n{END_MARK}"
    current = PERFORMANCE_DOC.read_text() if PERFORMANCE_DOC.exists() else "# Performance\n"
    if START_MARK in current and END_MARK in current:
        before, rest = current.split(START_MARK, 1)
        after = rest.split(END_MARK, 1)[1]
        updated = before + section + after
    else:
        updated = current.rstrip("\n") + "\n\n" + section + "\n"
    PERFORMANCE_DOC.write_text(updated)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=int(os.environ.get("SOAK_MEMBERS", 200)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", 120)))
    parser.add_argument(
        "--post-every", type=float, default=120.0,
        help="seconds between two posts of one member, on average",
    )  # fmt: skip
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    database_url = os.environ.get(
        "SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/entrepairs_soak"
    )
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    with tempfile.TemporaryDirectory(prefix="soak-") as name:
        folder = Path(name)
        env = server_env(database_url, redis_url, folder)
        fresh_database(database_url)
        print(f"Préparation : base, fichiers statiques, {args.members} membres…", flush=True)
        specs = prepare(env, args.members)
        port = free_port()
        daphne = start_daphne(env, port, folder / "daphne.log")
        try:
            print(f"Charge : {args.members} membres pendant {args.seconds} s…", flush=True)
            results, members, samples = asyncio.run(
                load(specs, f"http://127.0.0.1:{port}", daphne.pid, args.seconds, args.post_every)
            )
        finally:
            daphne.terminate()
            daphne.wait(timeout=20)
        text, errors = report(args, results, members, samples)
    print(text)
    for error in errors[:20]:
        print("  erreur :", error)
    if not args.no_write:
        write_section(text)
        print(f"Écrit dans {PERFORMANCE_DOC.relative_to(ROOT)}")
    lost = lost_messages(members, results)
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
