"""The log of the live streams.

A stream is a club ("club.12": everything that happens in its threads) or a person ("user.7");
its name is `community.after_commit.group_name`. Every event published to a stream
(`after_commit.publish`) is logged here with the stream's next number, 1, 2, 3... without gaps, so
that a page can tell whether it missed one and ask for it again (see docs/realtime.md). The log
keeps events for EVENT_RETENTION_DAYS; a catch-up reads them back in order.
"""

import json
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import EventLog, StreamCounter


def next_seq(stream: str) -> int:
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


def current_seqs(streams: Iterable[str]) -> dict[str, int]:
    """The last number of each of these streams, in one query (0 for a stream never used)."""
    streams = list(streams)
    seqs = dict(StreamCounter.objects.filter(stream__in=streams).values_list("stream", "last_seq"))
    return {stream: seqs.get(stream, 0) for stream in streams}


def frame_text(frame: dict) -> str:
    """A frame as the JSON text a websocket sends."""
    text = json.dumps(frame, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate echoed from a frame ("\ud800"): escape it
        text = json.dumps(frame)
    return text


def events_after(stream: str, seq: int) -> list[EventLog] | None:
    """The stream's events after `seq`, in order; None when the page must reload its data
    instead ("resync"): some of them are no longer kept, or there are more than
    LIVE_CATCH_UP_MAX of them (a page of posts) or more than LIVE_CATCH_UP_MAX_BYTES of frames.
    A page away for long, or one asking for everything with `after` 0, is served faster by its
    pages over HTTP than by replaying the log, and no page can make the server send megabytes."""
    last = current_seq(stream)
    if seq >= last:
        return []
    if last - seq > settings.LIVE_CATCH_UP_MAX:
        return None
    events = list(EventLog.objects.filter(stream=stream, seq__gt=seq).order_by("seq"))
    if not events or events[0].seq != seq + 1:
        return None
    size = sum(len(frame_text(event.as_frame()).encode()) for event in events)
    if size > settings.LIVE_CATCH_UP_MAX_BYTES:
        return None
    return events


def purge_old_events(*, now=None) -> int:
    """Delete events older than the retention period (EVENT_RETENTION_DAYS, 7 by default)."""
    days = getattr(settings, "EVENT_RETENTION_DAYS", 7)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _by_model = EventLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted
