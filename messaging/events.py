"""Live events: written to the event log inside the action's transaction, sent to the channel
layer only after commit.

A stream is a club ("club.12": everything that happens in its threads) or a person ("user.7":
their notifications, access changes). Each stream numbers its events 1, 2, 3... without gaps, so
that a page can tell whether it missed one and ask for it again (see docs/realtime.md).
Group names are built from ids only.
"""

import json
import logging
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from . import fragments
from .models import EventLog, StreamCounter

logger = logging.getLogger(__name__)


def club_stream(club_id: int) -> str:
    return f"club.{int(club_id)}"


def user_stream(user_id: int) -> str:
    return f"user.{int(user_id)}"


def _next_seq(stream: str) -> int:
    """The next number on the stream, in one statement. The counter row stays locked until the
    transaction ends, so two writers on one club take their numbers one after the other."""
    table = connection.ops.quote_name(StreamCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (stream, last_seq) VALUES (%s, 1) ON CONFLICT (stream) "
            f"DO UPDATE SET last_seq = {table}.last_seq + 1 RETURNING last_seq",
            [stream],
        )
        return cursor.fetchone()[0]


def current_seq(stream: str) -> int:
    return (
        StreamCounter.objects.filter(stream=stream).values_list("last_seq", flat=True).first() or 0
    )


def publish(stream: str, event_type: str, **data) -> EventLog:
    """Log an event now; send it to the stream's group once the transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are published from inside an action's transaction")
    event = EventLog.objects.create(
        stream=stream, seq=_next_seq(stream), type=event_type, data=data
    )
    # Serialised once here rather than once per reader: the consumers send the text as it is.
    message = {"type": "stream.event", "stream": stream, "text": frame_text(event.as_frame())}
    transaction.on_commit(lambda: send_to_group(stream, message))
    return event


def frame_text(frame: dict) -> str:
    """A frame as the JSON text a websocket sends."""
    text = json.dumps(frame, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate echoed from a frame ("\ud800"): escape it
        text = json.dumps(frame)
    return text


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


def events_after(stream: str, seq: int) -> list[EventLog] | None:
    """The stream's events after `seq`, in order; None when the page must reload its data
    instead ("resync"): some of them are no longer kept, or there are more than
    LIVE_CATCH_UP_MAX (a page away for long, or one asking for everything with `after` 0, is
    served faster by its pages over HTTP than by replaying the whole log)."""
    last = current_seq(stream)
    if seq >= last:
        return []
    if last - seq > settings.LIVE_CATCH_UP_MAX:
        return None
    events = list(EventLog.objects.filter(stream=stream, seq__gt=seq).order_by("seq"))
    if not events or events[0].seq != seq + 1:
        return None
    return events


def purge_old_events(*, now=None) -> int:
    """Delete events older than the retention period (EVENT_RETENTION_DAYS, 7 by default)."""
    days = getattr(settings, "EVENT_RETENTION_DAYS", 7)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _by_model = EventLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- The events of the discussions, called by messaging.actions ---------------------------------


def _thread_event(thread, event_type: str, **data) -> EventLog:
    return publish(club_stream(thread.club_id), event_type, thread=thread.pk, **data)


def _signature(post) -> dict:
    """Who signs the post, for the page's announcement of a new message."""
    author = post.author
    return {
        "author": post.author_id,
        "author_name": author.display_name if author else gettext("Ancien membre"),
    }


def post_created(post) -> EventLog:
    return _thread_event(
        post.thread,
        "post.created",
        post=post.pk,
        **_signature(post),
        html=fragments.post_html(post, new=True),
    )


#: Events after which the post's earlier faces must no longer be replayed.
WITHDRAWING = {"post.deleted", "post.hidden"}


def post_changed(post, event_type: str) -> EventLog:
    """post.edited, post.deleted, post.hidden or post.restored: the post's new face."""
    html = fragments.post_html(post)
    if event_type in WITHDRAWING:
        _replace_logged_faces(post, html)
    return _thread_event(post.thread, event_type, post=post.pk, html=html)


def _replace_logged_faces(post, html: str) -> None:
    """A deleted or hidden post's content must not come back through a catch-up (`events_after`
    from an old number): its earlier events in the log, in whichever club's stream, now carry
    the face it has now, and its signature. A page that replays them ends where a live page is."""
    for event in EventLog.objects.filter(data__post=post.pk, data__has_key="html"):
        event.data = {**event.data, "html": html}
        if "author_name" in event.data:
            event.data.update(_signature(post))
        event.save(update_fields=["data"])


def faces_refreshed(posts) -> None:
    """These posts look otherwise without an event of their own: an account they name (as their
    author, or in a mention) was deleted. Their earlier events in the log now carry the face and
    signature they have now, so that a catch-up no longer hands out what the account showed of
    its owner (name, handle, organisation, profile link). Live pages learn it when they load."""
    logged = set(
        EventLog.objects.filter(data__post__in=[post.pk for post in posts], data__has_key="html")
        .values_list("data__post", flat=True)
        .distinct()
    )
    for post in posts:
        if post.pk in logged:  # older events are no longer kept: nothing to render for them
            _replace_logged_faces(post, fragments.post_html(post))


def reaction_changed(post, *, user, kind: str, added: bool) -> EventLog:
    counts = dict(
        post.reactions.values("kind").annotate(count=Count("id")).values_list("kind", "count")
    )
    return _thread_event(
        post.thread,
        "reaction.changed",
        post=post.pk,
        kind=kind,
        user=user.pk,
        added=added,
        counts=counts,
    )


def thread_created(thread) -> EventLog:
    return _thread_event(thread, "thread.created", title=thread.title)


def thread_flag(thread, event_type: str, value: bool) -> EventLog:
    """thread.pinned or thread.locked, with its new value."""
    return _thread_event(thread, event_type, value=value)


def thread_solved(thread) -> EventLog:
    return _thread_event(thread, "thread.solved", post=thread.accepted_answer_id)


def thread_moved(thread, *, from_club_id: int) -> None:
    """Tell both clubs. In the log of the club it left, the thread's earlier events (its title,
    its posts) become the news that it moved: a catch-up by someone who may not follow it into
    its new club no longer hands them its content. Numbers stay as they were, without gaps."""
    data = {"thread": thread.pk, "from_club": from_club_id, "to_club": thread.club_id}
    EventLog.objects.filter(stream=club_stream(from_club_id), data__thread=thread.pk).update(
        type="thread.moved", data=data
    )
    publish(club_stream(from_club_id), "thread.moved", **data)
    publish(club_stream(thread.club_id), "thread.moved", **data)
