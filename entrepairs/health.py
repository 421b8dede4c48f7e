"""The checks behind /healthz: can this process reach its database and its channel layer?"""

import asyncio
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_layer_round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("aucune couche de canaux n'est configurée")
    # The default prefix: with Redis, the process's channels share one queue and one receive
    # lock; under another prefix, the reply waits behind an open websocket's receive, forever.
    channel = await layer.new_channel()
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("la couche de canaux a rendu un autre message")


def check_channel_layer() -> None:
    async def bounded():
        await asyncio.wait_for(_channel_layer_round_trip(), settings.HEALTHCHECK_TIMEOUT)

    async_to_sync(bounded)()


CHECKS = {"database": check_database, "channel_layer": check_channel_layer}


def run_checks() -> dict[str, str]:
    """Each check's outcome: "ok", or the reason it failed."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except TimeoutError:
            results[name] = "délai dépassé"
        except Exception as error:  # any failure is a reason to report, not to crash
            results[name] = f"{type(error).__name__}: {error}"
        else:
            results[name] = "ok"
    return results
