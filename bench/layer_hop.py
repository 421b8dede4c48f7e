"""Channel-layer round trips against raw Redis, run side by side (A B A B ...).

Measures, on the local Redis (REDIS_URL, default redis://127.0.0.1:6379/0):
- hop: one message sent to one channel, until its receiver has it;
- fan-out: one group_send to 100 channels of the group, until every receiver has it;
for channels-redis' core layer (RedisChannelLayer) and its pub/sub layer
(RedisPubSubChannelLayer), each against raw Redis PUBLISH → subscriber, the floor.
Prints medians and ratios to the floor, with the spread of the ratios across rounds.

    .venv/bin/python bench/layer_hop.py [--rounds 7] [--messages 300]
"""

import argparse
import asyncio
import os
import statistics
import time
import uuid

import redis.asyncio as aioredis
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
FAN_OUT = 100


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


def layers():
    return {
        "core": RedisChannelLayer(hosts=[REDIS_URL], prefix="bench"),
        "pubsub": RedisPubSubChannelLayer(hosts=[REDIS_URL], prefix="bench"),
    }


async def run(rounds: int, messages: int) -> dict:
    results = {}
    for kind in ("hop", "fan-out"):
        for name in ("core", "pubsub"):
            ratios, medians, floors = [], [], []
            for _ in range(rounds):
                layer = layers()[name]
                if kind == "hop":
                    measured = await layer_hop(layer, messages)
                    floor = await raw_hop(messages)
                else:
                    measured = await layer_fan_out(layer, messages // 10)
                    floor = await raw_hop(messages // 10, subscribers=FAN_OUT)
                await layer.flush() if hasattr(layer, "flush") else None
                medians.append(statistics.median(measured))
                floors.append(statistics.median(floor))
                ratios.append(medians[-1] / floors[-1])
            results[(kind, name)] = (medians, floors, ratios)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    results = asyncio.run(run(args.rounds, args.messages))
    print(f"{'mesure':<10}{'couche':<8}{'médiane':>12}{'plancher':>12}{'ratio':>8}{'écart':>14}")
    for (kind, name), (medians, floors, ratios) in results.items():
        print(
            f"{kind:<10}{name:<8}{statistics.median(medians) * 1e3:>10.3f}ms"
            f"{statistics.median(floors) * 1e3:>10.3f}ms{statistics.median(ratios):>8.2f}"
            f"{min(ratios):>7.2f}–{max(ratios):<6.2f}"
        )


if __name__ == "__main__":
    main()
