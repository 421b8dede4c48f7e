"""Messages to a person's open pages (their websockets), for changes that concern their access.

Any app may call these (clubs when a membership ends, community when an account is deactivated
or a session logs out): they only speak to the channel layer, by group name built from the id.
The consumer (messaging.consumers) re-checks access when it receives them.
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def personal_group(user_id: int) -> str:
    return f"user.{int(user_id)}"


def _send(user_id: int, message: dict) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(personal_group(user_id), message)
    except Exception:  # the layer is down: pages re-check access when they reconnect
        logger.warning("Couche de canaux injoignable : %s non transmis", message["type"])


def pages_recheck_after_lost_access(*, user_id: int, club_ids: list[int]) -> None:
    """Handler of `access_ended`: the person's pages re-check what they follow, at once."""
    access_changed(user_id)


def access_changed(user_id: int) -> None:
    """After commit: the person's memberships changed; their pages re-check what they follow."""
    transaction.on_commit(lambda: _send(user_id, {"type": "access.changed"}))


def session_ended(user_id: int, session_key: str | None) -> None:
    """After commit: this session logged out; its pages close their connection."""
    message = {"type": "session.ended", "session_key": session_key or ""}
    transaction.on_commit(lambda: _send(user_id, message))


def notifications_changed(*user_ids: int) -> None:
    """After commit: these people's notifications changed; their open pages update their badge
    (each connection counts them, so that nothing is counted for people who are not online).
    A reply in a thread with a thousand followers is one call, its messages sent together."""
    ids = sorted(set(user_ids))
    if ids:
        transaction.on_commit(lambda: _send_to_each(ids, {"type": "notifications.changed"}))


def _send_to_each(user_ids: list[int], message: dict) -> None:
    async def send_all():
        layer = get_channel_layer()
        await asyncio.gather(*(layer.group_send(personal_group(u), message) for u in user_ids))

    try:
        async_to_sync(send_all)()
    except Exception:  # the layer is down: pages re-count when they reconnect
        logger.warning("Couche de canaux injoignable : %s non transmis", message["type"])
