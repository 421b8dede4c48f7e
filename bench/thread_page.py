"""The thread page: requests/s against a view that does nothing, in the same ASGI application
under daphne (bench/urls.py), with the post-fragment cache warm and cold (every request asks
the server to empty it first, bench/cold.py: every post is rendered from its template, as for
the first reader of a kind not seen before); the last page's latency against the first page's;
the page's size in bytes (and gzip-compressed, as deploy/nginx.conf serves it); and the number
of queries of the page at 100 and at 10,000 posts.

    python -m bench.thread_page
"""

import asyncio
import gzip
import statistics
import time

import aiohttp

from bench import common
from bench.common import Figure, alternate, ratio_figure

ROUNDS = 5
SECONDS = 2.0  # of load per measure
CONNECTIONS = 4  # daphne runs the views in one thread: more would only queue
LATENCY_REQUESTS = 9
PAGE_BYTES_TARGET = 100 * 1024
GZIP_LEVEL = 5  # gzip_comp_level in deploy/nginx.conf
COLD = {"X-Bench-Fragments": "cold"}  # bench/cold.py


async def get(session: aiohttp.ClientSession, url: str, headers: dict | None = None) -> bytes:
    async with session.get(url, allow_redirects=False, headers=headers) as response:
        body = await response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        return body


async def requests_per_second(
    session: aiohttp.ClientSession, url: str, headers: dict | None = None
) -> float:
    deadline = time.perf_counter() + SECONDS
    done = 0

    async def client():
        nonlocal done
        while time.perf_counter() < deadline:
            await get(session, url, headers)
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CONNECTIONS)))
    return done / (time.perf_counter() - start)


async def median_latency(session: aiohttp.ClientSession, url: str) -> float:
    times = []
    for _ in range(LATENCY_REQUESTS):
        start = time.perf_counter()
        await get(session, url)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def thread_urls(thread) -> dict[str, str]:
    """The thread as its reader opens it (the latest posts), its first page and its last."""
    from django.urls import reverse

    url = reverse("messaging:thread", args=[thread.club.slug, thread.pk])
    ids = thread.posts.order_by("id").values_list("id", flat=True)
    return {
        "opened": url,
        "first": f"{url}?depuis={ids.first()}",
        "last": f"{url}?avant={ids.last() + 1}",
    }


async def measure(base_url: str, cookie: str, urls: dict[str, str]) -> list[Figure]:
    from bench.urls import BARE_PATH

    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    headers = {"Cookie": cookie}
    async with aiohttp.ClientSession(base_url, connector=connector, headers=headers) as s:
        for url in (*urls.values(), f"/{BARE_PATH}"):
            await get(s, url)  # warm-up, and a check that every page answers 200
        html = await get(s, urls["opened"])
        page, bare = await alternate(
            ROUNDS,
            lambda: requests_per_second(s, urls["opened"]),
            lambda: requests_per_second(s, f"/{BARE_PATH}"),
        )
        cold, cold_bare = await alternate(
            ROUNDS,
            lambda: requests_per_second(s, urls["opened"], COLD),
            lambda: requests_per_second(s, f"/{BARE_PATH}"),
        )
        last, first = await alternate(
            ROUNDS,
            lambda: median_latency(s, urls["last"]),
            lambda: median_latency(s, urls["first"]),
        )
    return [
        ratio_figure(
            "Thread page (1,000 posts), requests/s",
            page,
            bare,
            show=lambda value: f"{value:.0f} req/s",
            baseline_name="bare view",
            target=0.25,
            at_least=True,
        ),
        ratio_figure(
            "Thread page, post fragments not cached, requests/s",
            cold,
            cold_bare,
            show=lambda value: f"{value:.0f} req/s",
            baseline_name="bare view",
            target=0.15,
            at_least=True,
        ),
        page_size(html),
        ratio_figure(
            "Thread page, last page latency",
            last,
            first,
            show=lambda value: f"{value * 1e3:.1f} ms",
            baseline_name="first page",
            target=1.2,
            at_least=False,
        ),
    ]


def page_size(html: bytes) -> Figure:
    """The opened page (50 posts) as the reader receives it, and gzip-compressed."""
    compressed = len(gzip.compress(html, compresslevel=GZIP_LEVEL))
    return Figure(
        measure="Thread page size (50 posts), HTML",
        value=f"{len(html):,} bytes",
        baseline=f"gzip {compressed:,} bytes",
        target="< 100 KB",
        met=len(html) < PAGE_BYTES_TARGET,
    )


def query_counts(seeded) -> Figure:
    """Queries of the thread's first and last pages, at 100 and at 10,000 posts."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(seeded.reader)
    counts = {}
    for size in ("small", "big"):
        for page, url in thread_urls(seeded.threads[size]).items():
            client.get(url)  # once before: the first visit also creates the read position
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts[size, page] = len(captured)
    small = [counts["small", page] for page in ("opened", "first", "last")]
    big = [counts["big", page] for page in ("opened", "first", "last")]
    return Figure(
        measure="Thread page queries (opened, first, last page)",
        value=f"10,000 posts: {', '.join(map(str, big))}",
        baseline=f"100 posts: {', '.join(map(str, small))}",
        target="equal",
        met=small == big,
    )


def run(seeded) -> list[Figure]:
    from bench.data import session_cookies

    counted = query_counts(seeded)
    urls = thread_urls(seeded.threads["page"])
    cookie = session_cookies([seeded.reader])[0]
    with common.daphne() as server:
        figures = asyncio.run(measure(server.url, cookie, urls))
    return [*figures, counted]


if __name__ == "__main__":
    common.run_alone(run)
