"""What every benchmark shares: the environment, servers on loopback pinned to their own core, the
alternating runner, statistics, the table and docs/performance.md.

This machine is shared and noisy: absolute times drift, ratios hold. So each figure is measured
against a baseline in the same run, A B A B ..., and reported as the median of the per-round
ratios with their spread (min–max).
"""

import inspect
import math
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/entrepairs_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
REDIS_PREFIX = "entrepairs-bench"  # of the channel layer's and the cache's keys (bench/settings.py)

# The server gets one core, the load generator (this process) the other.
SERVER_CORES = {0}
CLIENT_CORES = {1} if (os.cpu_count() or 1) > 1 else {0}

# The channel layers a daphne process can use, as environment variables; the site's default first.
DEFAULT_LAYER = "pubsub"
LAYERS = {
    "pubsub": {"REDIS_URL": REDIS_URL, "CHANNEL_LAYER": "pubsub"},
    "core": {"REDIS_URL": REDIS_URL, "CHANNEL_LAYER": "core"},
    "memory": {},
}
LAYER_NAMES = {
    "memory": "in-memory",
    "core": "Redis core",
    "pubsub": "Redis pub/sub",
}


def site_env(layer: str = DEFAULT_LAYER) -> dict:
    """The environment of a daphne process (and of this one): production-like settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CHANNEL_LAYER"}}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=DATABASE_URL,
        DB_CONN_MAX_AGE="60",  # as in deploy/entrepairs.env
        TASKS_BACKEND="database",
        POSTS_PER_MINUTE="1000000",  # the posting benchmark posts far faster than a person
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        REDIS_PREFIX="entrepairs-bench",  # never the site's own keys, should they share a Redis
        **LAYERS[layer],
    )
    return env


# --- This process -------------------------------------------------------------------------------


def prepare_process() -> None:
    """Pin this process to the client core, allow thousands of sockets, set Django up on the
    benchmarks' database (created and migrated if needed)."""
    os.sched_setaffinity(0, CLIENT_CORES)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children inherit it
    os.environ.update(site_env())
    _create_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def _create_database() -> None:
    import psycopg

    base, _, name = DATABASE_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


# --- Servers on loopback ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A server process on a free loopback port, pinned to the server core (or to `cores`)."""

    def __init__(
        self,
        command: list[str],
        env: dict | None = None,
        port: int | None = None,
        cores: set[int] = SERVER_CORES,
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        # The server's output goes to a file: a pipe nobody reads would fill up and stop it.
        self.log = tempfile.NamedTemporaryFile(prefix="entrepairs-bench-", suffix=".log")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [part.format(port=self.port) for part in command],
            cwd=ROOT,
            env=env or os.environ.copy(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        os.sched_setaffinity(self.process.pid, cores)
        self._wait_until_listening()

    def _wait_until_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server stopped: {self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"nothing listens on port {self.port} after {timeout} s")

    def log_tail(self, size: int = 4000) -> str:
        return Path(self.log.name).read_bytes()[-size:].decode(errors="replace")

    def rss_bytes(self) -> int:
        """Resident memory, from /proc/<pid>/status."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS line")

    def cpu_seconds(self) -> float:
        """User + system CPU time so far, from /proc/<pid>/stat."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
        user, system = int(fields[11]), int(fields[12])  # fields 14 and 15 of stat(5)
        return (user + system) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                # daphne waits for its open connections' handlers: the figures are taken
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def daphne(layer: str = DEFAULT_LAYER, *, fresh: bool = True, cores=SERVER_CORES) -> Server:
    """The site under daphne, as production serves it, with the given channel layer. A `fresh`
    one starts with empty Redis keys (a process stopped earlier leaves its channels in the
    groups); a second process beside a first is not fresh."""
    if fresh:
        forget_redis_keys()
    command = [sys.executable, "-m", "bench.serve", "-b", "127.0.0.1", "-p", "{port}"]
    return Server([*command, "entrepairs.asgi:application"], env=site_env(layer), cores=cores)


def forget_redis_keys() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{REDIS_PREFIX}*", count=1000):
        client.delete(key)
    client.close()


def raw_websocket_server() -> Server:
    """The floor: a bare `websockets` server (bench/raw_server.py)."""
    return Server([sys.executable, "-m", "bench.raw_server", "--port", "{port}"])


# --- Running pairs ------------------------------------------------------------------------------


async def _result(value):
    return await value if inspect.isawaitable(value) else value


async def alternate(rounds: int, measure, baseline) -> tuple[list, list]:
    """Run `measure` and `baseline` by turns (A B A B ...); their results, round by round."""
    measured, baselines = [], []
    for _ in range(rounds):
        measured.append(await _result(measure()))
        baselines.append(await _result(baseline()))
    return measured, baselines


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: p99 of 50 values is the largest but none."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Figure:
    """One line of the table: a measure, its baseline, their ratio and the target."""

    measure: str
    value: str
    baseline: str = ""
    ratio: float | None = None
    spread: tuple[float, float] | None = None
    target: str = ""
    met: bool | None = None

    @property
    def ratio_text(self) -> str:
        if self.ratio is None:
            return ""
        spread = f" ({self.spread[0]:.2f}–{self.spread[1]:.2f})" if self.spread else ""
        return f"{self.ratio:.2f}{spread}"

    @property
    def met_text(self) -> str:
        return {True: "met", False: "NOT met", None: ""}[self.met]


def ratio_figure(
    measure: str,
    measured: list[float],
    baselines: list[float],
    *,
    show,
    baseline_name: str,
    target: float,
    at_least: bool,
) -> Figure:
    """A figure from per-round values of a measure and its baseline; `show` formats a value."""
    ratios = [m / b for m, b in zip(measured, baselines, strict=True)]
    ratio = statistics.median(ratios)
    return Figure(
        measure=measure,
        value=show(statistics.median(measured)),
        baseline=f"{baseline_name} {show(statistics.median(baselines))}",
        ratio=ratio,
        spread=(min(ratios), max(ratios)),
        target=f"{'≥' if at_least else '≤'} {target:g}×",
        met=ratio >= target if at_least else ratio <= target,
    )


def for_reference(figure: Figure) -> Figure:
    """A line about a channel layer that is not the site's default: shown, not judged (the
    targets are the default layer's)."""
    figure.target = f"for reference ({LAYER_NAMES[DEFAULT_LAYER]} is the default)"
    figure.met = None
    return figure


# --- Reporting ----------------------------------------------------------------------------------

COLUMNS = ("measure", "value", "baseline", "ratio (spread)", "target", "")


def rows(figures: list[Figure]) -> list[tuple[str, ...]]:
    return [(f.measure, f.value, f.baseline, f.ratio_text, f.target, f.met_text) for f in figures]


def print_table(figures: list[Figure]) -> None:
    table = [COLUMNS, *rows(figures)]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    for n, row in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * width for width in widths))


def markdown_table(figures: list[Figure]) -> str:
    lines = ["| " + " | ".join(COLUMNS[:-1]) + " | met? |", "|" + " --- |" * len(COLUMNS)]
    for row in rows(figures):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    from django.db import connection

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown",
    )  # fmt: skip
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import redis

    server = cast("dict[str, Any]", redis.Redis.from_url(REDIS_URL).info("server"))  # sync
    redis_version = server["redis_version"]
    return {
        "cores": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": f"{memory_kb / 1024 / 1024:.0f} GiB",
        "Python": platform.python_version(),
        "PostgreSQL": postgres.split()[0],
        "Redis": redis_version,
    }


DOCS = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
TITLE = "# Performance\n\n"


def write_docs(figures: list[Figure], seconds: float) -> None:
    """Rewrite the generated section of docs/performance.md; everything around it stays."""
    about = machine()
    section = "\n".join(
        [
            START,
            f"Last run of `make bench`: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"{seconds:.0f} s, on {about['cores']} cores ({about['CPU']}), {about['RAM']} RAM; "
            f"Python {about['Python']}, PostgreSQL {about['PostgreSQL']}, "
            f"Redis {about['Redis']}. Load average at the end (other work on the machine): "
            f"{os.getloadavg()[0]:.1f}.",
            "",
            markdown_table(figures),
            END,
        ]
    )
    text = DOCS.read_text() if DOCS.exists() else TITLE
    if START in text and END in text:
        before, _, rest = text.partition(START)
        after = rest.partition(END)[2]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.write_text(text)


def run_alone(run) -> None:
    """Run one benchmark module by itself: `python -m bench.<name>` prints its lines."""
    started = time.monotonic()
    prepare_process()
    from bench import data

    figures = run(data.seed())
    print_table(figures)
    print(f"({time.monotonic() - started:.0f} s)")
