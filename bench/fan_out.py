"""Fan-out: one post, until the last of 100 or 500 websocket clients has it.

The clients (members of the club, each with their session) subscribe to the club's stream on one
daphne process; a member posts over the websocket; the time runs from sending the post to its
post.created event reaching the last client. For each channel layer (Redis pub/sub, the site's
default; Redis core; in-memory), against the floor: the same clients on a raw `websockets`
server that relays a frame of the same size to all of them.

Then 2,000 clients spread over two daphne processes (1,000 each, the poster on the first), as
docs/deployment.md runs the site on several cores. This machine has two cores and the clients
need one: the two processes are not pinned, the system shares the cores between them and the
clients.

    python -m bench.fan_out
"""

import asyncio
import os
import statistics
import time

from bench import common
from bench.common import Figure, alternate, for_reference, percentile
from bench.crowd import Crowd, Poster

SIZES = (100, 500)
ROUNDS = 3
POSTS_PER_ROUND = 10
TIMEOUT = 5.0  # seconds: a post that has not reached everyone by then counts as lost
P99_TARGET = 0.100
FLOOR_TARGET = 3.0
TWO_PROCESSES_SIZE = 2000
TWO_PROCESSES_P99_TARGET = 0.400


async def post_round(poster: Poster, *crowds: Crowd) -> tuple[list[float], int]:
    """Post one message at a time; each one's time to the last client of the crowds, and how
    many deliveries were lost."""
    latencies, lost = [], 0
    for _ in range(POSTS_PER_ROUND):
        start = time.perf_counter()
        post = await (await poster.send())
        arrivals = [
            arrival
            for arrived in await asyncio.gather(*(c.arrivals_of(post, TIMEOUT) for c in crowds))
            for arrival in arrived
        ]
        lost += sum(len(crowd) for crowd in crowds) - len(arrivals)
        if arrivals:
            latencies.append(max(arrivals) - start)
        await asyncio.sleep(0.02)
    return latencies, lost


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def fan_out_figure(
    measure: str, site_rounds: list, floor_rounds: list, *, p99_target: float, floor_target=None
) -> Figure:
    site = [t for latencies, _lost in site_rounds for t in latencies]
    floor = [t for latencies, _lost in floor_rounds for t in latencies]
    lost = sum(lost for _latencies, lost in site_rounds)
    ratios = [
        percentile(s, 99) / percentile(f, 99)
        for (s, _), (f, _) in zip(site_rounds, floor_rounds, strict=True)
    ]
    p99, ratio = percentile(site, 99), statistics.median(ratios)
    met = lost == 0 and p99 <= p99_target
    target = f"p99 ≤ {p99_target * 1e3:.0f} ms"
    if floor_target is not None:
        met = met and ratio <= floor_target
        target += f", ≤ {floor_target:g}× floor"
    return Figure(
        measure=measure,
        value=f"p50 {ms(percentile(site, 50))}, p99 {ms(p99)}, {lost} lost",
        baseline=f"raw p50 {ms(percentile(floor, 50))}, p99 {ms(percentile(floor, 99))}",
        ratio=ratio,
        spread=(min(ratios), max(ratios)),
        target=target + ", 0 lost",
        met=met,
    )


async def compare(poster, crowds, floor_poster, floor_crowd) -> tuple[list, list]:
    """Rounds of posts to the site's crowds and to the floor's, by turns, after a warm-up."""
    await post_round(poster, *crowds)  # warm-up: first renders, first queries
    return await alternate(
        ROUNDS,
        lambda: post_round(poster, *crowds),
        lambda: post_round(floor_poster, floor_crowd),
    )


async def one_process(seeded, cookies, poster_cookie, raw, floor_poster) -> list[Figure]:
    stream, thread = f"club.{seeded.club.pk}", seeded.threads["live"].pk
    figures = []
    for layer in common.LAYERS:
        with common.daphne(layer) as server:
            crowd, floor_crowd = Crowd(server.ws_url), Crowd(raw.ws_url)
            poster = await Poster.to_site(
                server.ws_url, poster_cookie, thread=thread, stream=stream
            )
            for size in SIZES:
                await crowd.grow(cookies[len(crowd) : size], stream)
                await floor_crowd.grow([None] * (size - len(floor_crowd)))
                site, floor = await compare(poster, [crowd], floor_poster, floor_crowd)
                measure = f"Fan-out to {size} websockets, {common.LAYER_NAMES[layer]} layer"
                figure = fan_out_figure(
                    measure, site, floor, p99_target=P99_TARGET, floor_target=FLOOR_TARGET
                )
                figures.append(figure if layer == common.DEFAULT_LAYER else for_reference(figure))
            for client in (poster, crowd, floor_crowd):
                await client.close()
    return figures


async def two_processes(seeded, cookies, poster_cookie, raw, floor_poster) -> Figure:
    """Half the clients on each of two daphne processes (a member may have two pages open)."""
    stream, thread = f"club.{seeded.club.pk}", seeded.threads["live"].pk
    half = TWO_PROCESSES_SIZE // 2
    everywhere = set(range(os.cpu_count() or 1))
    with (
        common.daphne(cores=everywhere) as first,
        common.daphne(fresh=False, cores=everywhere) as second,
    ):
        crowds = [Crowd(first.ws_url), Crowd(second.ws_url)]
        for crowd in crowds:
            await crowd.grow([cookies[n % len(cookies)] for n in range(half)], stream)
        floor_crowd = Crowd(raw.ws_url)
        await floor_crowd.grow([None] * TWO_PROCESSES_SIZE)
        poster = await Poster.to_site(first.ws_url, poster_cookie, thread=thread, stream=stream)
        site, floor = await compare(poster, crowds, floor_poster, floor_crowd)
        for client in (poster, *crowds, floor_crowd):
            await client.close()
    measure = f"Fan-out to {TWO_PROCESSES_SIZE:,} websockets over two daphne processes"
    return fan_out_figure(measure, site, floor, p99_target=TWO_PROCESSES_P99_TARGET)


async def measure(seeded, cookies: list[str], poster_cookie: str, html: str) -> list[Figure]:
    with common.raw_websocket_server() as raw:
        floor_poster = await Poster.to_raw_server(
            raw.ws_url, stream=f"club.{seeded.club.pk}", html=html
        )
        figures = await one_process(seeded, cookies, poster_cookie, raw, floor_poster)
        figures.append(await two_processes(seeded, cookies, poster_cookie, raw, floor_poster))
        await floor_poster.close()
    return figures


def run(seeded) -> list[Figure]:
    from bench.data import session_cookies
    from messaging.fragments import post_html

    cookies = session_cookies(seeded.crowd)  # 1,000: each has two pages over two processes
    poster_cookie = session_cookies(seeded.posters[:1])[0]
    html = post_html(seeded.threads["live"].posts.select_related("thread__club").first())
    return asyncio.run(measure(seeded, cookies, poster_cookie, html))


if __name__ == "__main__":
    common.run_alone(run)
