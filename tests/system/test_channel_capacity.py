"""The Redis core layer queues all the messages for one daphne process in one Redis key, and
drops what goes beyond its capacity. A reply in a thread with hundreds of followers online is one
badge message per follower at once: none of them, and none of the events around them, may be
dropped."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from system_servers import redis_url_or_skip

pytestmark = pytest.mark.system
ROOT = Path(__file__).resolve().parents[2]
FOLLOWERS_ONLINE = 300

# One process's pages, each in its personal group; one message to each group at once, read only
# afterwards (as a busy process does); prints how many arrived.
BURST = f"""
import asyncio, django
django.setup()
from channels.layers import get_channel_layer

async def burst():
    layer = get_channel_layer()
    channels = [await layer.new_channel() for _ in range({FOLLOWERS_ONLINE})]
    for n, channel in enumerate(channels):
        await layer.group_add(f"user.{{n}}", channel)
    message = {{"type": "notifications.changed"}}
    await asyncio.gather(*(layer.group_send(f"user.{{n}}", message) for n in range(len(channels))))
    receiving = [asyncio.ensure_future(layer.receive(channel)) for channel in channels]
    received, missing = await asyncio.wait(receiving, timeout=5)
    for waiting in missing:
        waiting.cancel()
    await layer.flush()
    print(len(received))

asyncio.run(burst())
"""


def received_in_a_burst(**variables) -> int:
    env = {k: v for k, v in os.environ.items() if k not in {"CHANNEL_LAYER", "CHANNEL_CAPACITY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="entrepairs.settings",
        REDIS_URL=redis_url_or_skip(),
        REDIS_PREFIX=f"entrepairs-capacity-{uuid.uuid4().hex[:8]}",
        CHANNEL_LAYER="core",  # the layer with a capacity (pub/sub has none)
        **variables,
    )
    result = subprocess.run(
        [sys.executable, "-c", BURST], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_burst_of_messages_to_one_process_all_arrive():
    assert received_in_a_burst() == FOLLOWERS_ONLINE


def test_with_the_library_default_capacity_the_same_burst_loses_messages():
    """What the default capacity of channels_redis (100) did: the setting is what keeps them."""
    assert received_in_a_burst(CHANNEL_CAPACITY="100") < FOLLOWERS_ONLINE
