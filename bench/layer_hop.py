"""Channel-layer round trips against raw Redis, run side by side (A B A B ...).

Measures, on the local Redis (BENCH_REDIS_URL, see bench/common.py):
- hop: one message sent to one channel, until its receiver has it;
- fan-out: one group_send to 100 channels of the group, until every receiver has it;
for channels-redis' core layer (RedisChannelLayer) and its pub/sub layer
(RedisPubSubChannelLayer), each against raw Redis PUBLISH → subscriber, the floor.

    python -m bench.layer_hop
"""

import asyncio
import statistics
import time
import uuid

import redis.asyncio as aioredis
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer

from bench import common
from bench.common import Figure, alternate, for_reference, ratio_figure

REDIS_URL = common.REDIS_URL
PREFIX = "entrepairs-bench-hop"
FAN_OUT = 100
ROUNDS = 5
MESSAGES = 200


async def layer_hop(layer, messages: int) -> list[float]:
    channel = await layer.new_channel()
    times = []
    for n in range(messages):
        start = time.perf_counter()
        await layer.send(channel, {"type": "bench", "n": n})
        await layer.receive(channel)
        times.append(time.perf_counter() - start)
    return times


async def layer_fan_out(layer, messages: int) -> list[float]:
    group = f"bench{uuid.uuid4().hex[:8]}"
    channels = [await layer.new_channel() for _ in range(FAN_OUT)]
    for channel in channels:
        await layer.group_add(group, channel)
    times = []
    for n in range(messages):
        start = time.perf_counter()
        await layer.group_send(group, {"type": "bench", "n": n})
        await asyncio.gather(*(layer.receive(channel) for channel in channels))
        times.append(time.perf_counter() - start)
    for channel in channels:
        await layer.group_discard(group, channel)
    return times


async def raw_hop(messages: int, subscribers: int = 1) -> list[float]:
    """PUBLISH on one Redis channel, until `subscribers` subscriptions have it: the floor."""
    client = aioredis.from_url(REDIS_URL)
    name = f"bench-raw-{uuid.uuid4().hex[:8]}"
    pubsubs = [client.pubsub() for _ in range(subscribers)]
    for pubsub in pubsubs:
        await pubsub.subscribe(name)
        await pubsub.get_message(timeout=1)  # the subscription confirmation

    async def next_message(pubsub):
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
            if message is not None:
                return message

    times = []
    for n in range(messages):
        start = time.perf_counter()
        await client.publish(name, str(n))
        await asyncio.gather(*(next_message(p) for p in pubsubs))
        times.append(time.perf_counter() - start)
    for pubsub in pubsubs:
        await pubsub.aclose()
    await client.aclose()
    return times


LAYERS = {"core": RedisChannelLayer, "pubsub": RedisPubSubChannelLayer}


async def layer_round(name: str, kind: str) -> float:
    """The median time of one round through a fresh layer of the kind `name`."""
    layer = LAYERS[name](hosts=[REDIS_URL], prefix=PREFIX)
    if kind == "hop":
        times = await layer_hop(layer, MESSAGES)
    else:
        times = await layer_fan_out(layer, MESSAGES // 10)
    await layer.flush()
    return statistics.median(times)


async def raw_round(kind: str) -> float:
    if kind == "hop":
        return statistics.median(await raw_hop(MESSAGES))
    return statistics.median(await raw_hop(MESSAGES // 10, subscribers=FAN_OUT))


async def measure() -> list[Figure]:
    figures = []
    for kind, label in (("hop", "one hop"), ("fan-out", f"group of {FAN_OUT} channels")):
        for name in LAYERS:
            measured, floors = await alternate(
                ROUNDS,
                lambda n=name, k=kind: layer_round(n, k),
                lambda k=kind: raw_round(k),
            )
            figure = ratio_figure(
                f"Channel layer {label}, {common.LAYER_NAMES[name]}",
                measured,
                floors,
                show=lambda value: f"{value * 1e3:.2f} ms",
                baseline_name="raw PUBLISH",
                target=5,
                at_least=False,
            )
            figures.append(figure if name == common.DEFAULT_LAYER else for_reference(figure))
    return figures


def run(seeded=None) -> list[Figure]:
    return asyncio.run(measure())


if __name__ == "__main__":
    started = time.monotonic()
    common.print_table(run())
    print(f"({time.monotonic() - started:.0f} s)")
