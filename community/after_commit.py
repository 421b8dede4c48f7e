"""Side effects leave after commit, by this door.

What an action causes beyond its own rows happens only once its transaction has committed, and
never if it rolls back. Actions (and the signals and handlers they set off) call these functions
inside their transaction; nothing else in the project calls `transaction.on_commit`
(tests/community/test_community_after_commit.py walks the sources to keep it so).

- `publish(stream, event_type, **data)`: an event on a stream. It is logged now, inside the
  transaction, with the stream's next number (community/event_log.py), and handed to the channel
  layer after commit.
- `tell_pages(user_ids, message_type, **fields)`: a word to every open page of these people
  (`ACCESS_CHANGED`, `SESSION_ENDED`, `NOTIFICATIONS_CHANGED`); not numbered, not logged.
- `enqueue(task, *args)`: a background task (an email).
- `delete_files(names)`: stored files whose rows are gone.
- `run_handlers(name, handlers, arguments)`: the handlers of a domain event
  (community/domain_events.py), each in its own transaction.
- `run(function, *args)`: an app's own step that must read what was committed before it decides
  (the grouping of notification emails, notifications/delivery.py).

Channel-layer groups, which are also the streams' names, are built by `group_name` alone, from
ids: `club.12`, `user.7`.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.files.storage import default_storage
from django.db import transaction

from . import event_log
from .models import EventLog

logger = logging.getLogger(__name__)

# --- Group names --------------------------------------------------------------------------------

#: A club's group carries its stream of events; a person's carries their stream and the words
#: to their pages.
GROUP_KINDS = frozenset({"club", "user"})


def group_name(kind: str, pk: int) -> str:
    """The group (and stream) of a club or a person: "club.12", "user.7", from the id only."""
    if kind not in GROUP_KINDS:
        raise ValueError(f"Unknown kind of group: {kind}")
    return f"{kind}.{int(pk)}"


# --- Streams ------------------------------------------------------------------------------------


def publish(stream: str, event_type: str, **data) -> EventLog:
    """Log an event now; send it to the stream's group once the transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are published from inside an action's transaction")
    event = EventLog.objects.create(
        stream=stream, seq=event_log.next_seq(stream), type=event_type, data=data
    )
    # Serialised once here rather than once per reader: the consumers send the text as it is.
    text = event_log.frame_text(event.as_frame())
    message = {"type": "stream.event", "stream": stream, "seq": event.seq, "text": text}
    transaction.on_commit(lambda: send_to_group(stream, message))
    return event


def send_to_group(group: str, message: dict) -> bool:
    """Hand a message to the channel layer. If the layer is down, the event stays in the log:
    pages get it when they reconnect and catch up. Saving never fails because of it."""
    layer = get_channel_layer()
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # the layer is out of reach: the log is the fallback
        logger.warning("Couche de canaux injoignable : événement %s différé", group, exc_info=True)
        return False
    return True


# --- A person's open pages ----------------------------------------------------------------------

#: Their memberships or their password changed: the pages re-check what they follow, or close.
ACCESS_CHANGED = "access.changed"
#: This session logged out (field `session_key`): its pages close their connection.
SESSION_ENDED = "session.ended"
#: Their notifications changed: each page counts the unread ones again for its badge (so that
#: nothing is counted for people who are not online).
NOTIFICATIONS_CHANGED = "notifications.changed"


def tell_pages(user_ids: Iterable[int], message_type: str, **fields) -> None:
    """After commit, tell every open page of these people (messaging.consumers handles each
    type). A reply in a thread with a thousand followers is one call, its messages sent
    together."""
    ids = sorted({int(user_id) for user_id in user_ids})
    if ids:
        message = {"type": message_type, **fields}
        transaction.on_commit(lambda: _send_to_each(ids, message))


def _send_to_each(user_ids: list[int], message: dict) -> None:
    async def send_all():
        layer = get_channel_layer()
        groups = (group_name("user", user_id) for user_id in user_ids)
        await asyncio.gather(*(layer.group_send(group, message) for group in groups))

    try:
        async_to_sync(send_all)()
    except Exception:  # the layer is down: pages re-check and re-count when they reconnect
        logger.warning("Couche de canaux injoignable : %s non transmis", message["type"])


# --- Tasks and files ----------------------------------------------------------------------------


def enqueue(task, *args, **kwargs) -> None:
    """After commit, enqueue the task (django_tasks) with these arguments: no email leaves for
    what was rolled back, and the task reads committed rows."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def delete_files(names: Iterable[str]) -> None:
    """After commit, remove these files from the storage (their rows are gone)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: _delete(names))


def _delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Fichier %r non supprimé du stockage.", name)


# --- Handlers and steps of the apps -------------------------------------------------------------


def run_handlers(name: str, handlers: list[Callable[..., None]], arguments: dict) -> None:
    """After commit, run each handler of the domain event `name` with these keyword arguments,
    each in its own transaction: a failing one is logged without undoing what was committed or
    stopping the others. `handlers` is read when the commit comes."""
    transaction.on_commit(lambda: _run_each(name, handlers, arguments))


def _run_each(name: str, handlers: list[Callable[..., None]], arguments: dict) -> None:
    for handler in list(handlers):
        try:
            with transaction.atomic():
                handler(**arguments)
        except Exception:
            logger.exception("Le traitement %s de l'événement %s a échoué", handler, name)


def run(function: Callable[..., None], *args) -> None:
    """After commit, call `function(*args)`: a step of an app that must see the committed rows
    to decide what to do (which email batch starts). Prefer the named doors above."""
    transaction.on_commit(lambda: function(*args))
