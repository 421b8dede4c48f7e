"""Idle connections: 1,000 open pages on one daphne process, each an authenticated websocket
following its club's stream, and nothing happening. Memory per connection (the growth of the
process's resident memory, divided by 1,000) and CPU over 10 s, against a raw `websockets`
server holding the same 1,000 connections. Each round starts fresh processes.

    python -m bench.idle
"""

import asyncio
from collections.abc import Sequence

from bench import common
from bench.common import Figure, alternate, ratio_figure
from bench.crowd import Crowd

CONNECTIONS = 1000
ROUNDS = 3
IDLE_SECONDS = 10.0
WARM_UP = 10  # connections opened and closed first, so that lazy imports are not counted
CPU_TARGET = 5.0  # per cent of a core


async def hold(server: common.Server, cookies: Sequence[str | None], stream: str | None) -> dict:
    warm_up = Crowd(server.ws_url)
    await warm_up.grow(cookies[:WARM_UP], stream)
    await warm_up.close()
    await asyncio.sleep(0.5)
    before = server.rss_bytes()
    crowd = Crowd(server.ws_url)
    await crowd.grow(cookies, stream)
    await asyncio.sleep(1)  # let the last subscriptions settle
    grown = server.rss_bytes() - before
    cpu = server.cpu_seconds()
    await asyncio.sleep(IDLE_SECONDS)
    cpu_share = (server.cpu_seconds() - cpu) / IDLE_SECONDS * 100
    await crowd.close()
    return {"memory": grown / CONNECTIONS, "cpu": cpu_share}


async def site_round(cookies: list[str], stream: str) -> dict:
    with common.daphne() as server:
        return await hold(server, cookies, stream)


async def raw_round() -> dict:
    with common.raw_websocket_server() as server:
        return await hold(server, [None] * CONNECTIONS, None)


def kib(value: float) -> str:
    return f"{value / 1024:.1f} KiB"


async def measure(cookies: list[str], stream: str) -> list[Figure]:
    site, raw = await alternate(ROUNDS, lambda: site_round(cookies, stream), raw_round)
    worst_cpu = max(r["cpu"] for r in site)
    return [
        ratio_figure(
            f"Idle websockets ({CONNECTIONS}), memory per connection",
            [r["memory"] for r in site],
            [r["memory"] for r in raw],
            show=kib,
            baseline_name="raw",
            target=3,
            at_least=False,
        ),
        Figure(
            measure=f"Idle websockets ({CONNECTIONS}), CPU over {IDLE_SECONDS:.0f} s (worst round)",
            value=f"{worst_cpu:.1f} % of a core",
            baseline=f"raw {max(r['cpu'] for r in raw):.1f} %",
            target=f"< {CPU_TARGET:g} %",
            met=worst_cpu < CPU_TARGET,
        ),
    ]


def run(seeded) -> list[Figure]:
    from bench.data import session_cookies

    cookies = session_cookies(seeded.crowd[:CONNECTIONS])
    return asyncio.run(measure(cookies, f"club.{seeded.club.pk}"))


if __name__ == "__main__":
    common.run_alone(run)
