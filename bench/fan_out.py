"""Fan-out: one post, until the last of 100 or 500 websocket clients has it.

The clients (members of the club, each with their session) subscribe to the club's stream on one
daphne process; a member posts over the websocket; the time runs from sending the post to its
post.created event reaching the last client. For each channel layer (in-memory, Redis core,
Redis pub/sub), against the floor: the same clients on a raw `websockets` server that relays a
frame of the same size to all of them.

    python -m bench.fan_out
"""

import asyncio
import statistics

from bench import common
from bench.common import Figure, alternate, percentile
from bench.crowd import Crowd, Poster

SIZES = (100, 500)
ROUNDS = 3
POSTS_PER_ROUND = 10
TIMEOUT = 5.0  # seconds: a post that has not reached everyone by then counts as lost
P99_TARGET = 0.250
FLOOR_TARGET = 5.0


async def post_round(poster: Poster, crowd: Crowd) -> tuple[list[float], int]:
    """Post one message at a time; each one's time to the last client, and how many were lost."""
    latencies, lost = [], 0
    for _ in range(POSTS_PER_ROUND):
        start = asyncio.get_running_loop().time()
        post = await (await poster.send())
        arrivals = await crowd.arrivals_of(post, TIMEOUT)
        lost += len(crowd) - len(arrivals)
        if arrivals:
            latencies.append(max(arrivals) - start)
        await asyncio.sleep(0.02)
    return latencies, lost


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def fan_out_figure(layer: str, size: int, site_rounds: list, floor_rounds: list) -> Figure:
    site = [t for latencies, _lost in site_rounds for t in latencies]
    floor = [t for latencies, _lost in floor_rounds for t in latencies]
    lost = sum(lost for _latencies, lost in site_rounds)
    ratios = [
        percentile(s, 99) / percentile(f, 99)
        for (s, _), (f, _) in zip(site_rounds, floor_rounds, strict=True)
    ]
    p99 = percentile(site, 99)
    ratio = statistics.median(ratios)
    met = ratio <= FLOOR_TARGET and lost == 0
    target = f"p99 ≤ {FLOOR_TARGET:g}× floor, 0 lost"
    if size == max(SIZES):
        met = met and p99 <= P99_TARGET
        target = f"p99 ≤ {P99_TARGET * 1e3:.0f} ms, ≤ {FLOOR_TARGET:g}× floor, 0 lost"
    return Figure(
        measure=f"Fan-out to {size} websockets, {common.LAYER_NAMES[layer]} layer",
        value=f"p50 {ms(percentile(site, 50))}, p99 {ms(p99)}, {lost} lost",
        baseline=f"raw p50 {ms(percentile(floor, 50))}, p99 {ms(percentile(floor, 99))}",
        ratio=ratio,
        spread=(min(ratios), max(ratios)),
        target=target,
        met=met,
    )


async def measure(seeded, cookies: list[str], poster_cookie: str, html: str) -> list[Figure]:
    stream = f"club.{seeded.club.pk}"
    thread = seeded.threads["live"].pk
    figures = []
    with common.raw_websocket_server() as raw:
        floor_poster = await Poster.to_raw_server(raw.ws_url, stream=stream, html=html)
        for layer in common.LAYERS:
            with common.daphne(layer) as server:
                crowd, floor_crowd = Crowd(server.ws_url), Crowd(raw.ws_url)
                poster = await Poster.to_site(
                    server.ws_url, poster_cookie, thread=thread, stream=stream
                )
                for size in SIZES:
                    await crowd.grow(cookies[len(crowd) : size], stream)
                    await floor_crowd.grow([None] * (size - len(floor_crowd)))
                    await post_round(poster, crowd)  # warm-up: first renders, first queries
                    site, floor = await alternate(
                        ROUNDS,
                        lambda p=poster, c=crowd: post_round(p, c),
                        lambda c=floor_crowd: post_round(floor_poster, c),
                    )
                    figures.append(fan_out_figure(layer, size, site, floor))
                for client in (poster, crowd, floor_crowd):
                    await client.close()
        await floor_poster.close()
    return figures


def run(seeded) -> list[Figure]:
    from bench.data import session_cookies
    from messaging.fragments import post_html

    cookies = session_cookies(seeded.crowd[: max(SIZES)])
    poster_cookie = session_cookies(seeded.posters[:1])[0]
    html = post_html(seeded.threads["live"].posts.select_related("thread__club").first())
    return asyncio.run(measure(seeded, cookies, poster_cookie, html))


if __name__ == "__main__":
    common.run_alone(run)
