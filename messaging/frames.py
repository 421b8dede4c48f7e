"""What the websocket does with each kind of frame from a page (see docs/realtime.md).

Each handler takes the consumer and the frame, checks the frame's fields, asks `clubs.access`
(in the database thread) and calls an action; a FrameError becomes an error frame.
"""

import time
from importlib import import_module

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.crypto import constant_time_compare

from clubs import access
from clubs.models import Club
from community import after_commit, event_log
from community.action_errors import ActionError
from community.models import User

from . import actions
from .models import Post, Thread


def database_call(function):
    """`function` made awaitable, run in a worker thread with its own database connection.

    Channels runs every such call in one shared thread by default, so that one page's slow
    query made every other page of the process wait: 50 pages following a busy thread counted
    their badges one after the other while posts queued behind them. PostgreSQL takes many
    connections at once, so each call takes a thread of the pool. SQLite takes one writer at a
    time: there, calls keep to the one thread."""
    one_at_a_time = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    return database_sync_to_async(function, thread_sensitive=one_at_a_time)


class FrameError(Exception):
    """A frame the server cannot act on; its message goes back to the page."""


SECOND_FACTOR_FIRST = (
    "activez d'abord la double authentification (Mon compte) pour utiliser vos droits de modération"
)


def echo(frame: dict) -> dict:
    """The fields of a request that its answer repeats, so the page can match them."""
    client_id = frame.get("client_id")
    return {"client_id": client_id} if isinstance(client_id, str) and client_id else {}


def _positive_int(frame: dict, field: str, *, required: bool = True) -> int | None:
    value = frame.get(field)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FrameError(f"« {field} » doit être un entier positif")
    return value


def _text(frame: dict, field: str, *, max_length: int) -> str:
    value = frame.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise FrameError(f"« {field} » doit être un texte de 1 à {max_length} caractères")
    if "\x00" in value or not _encodable(value):  # the database would refuse it
        raise FrameError(f"« {field} » contient un caractère interdit")
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, from a "\ud800" escape in the JSON
        return False
    return True


# --- Access, in the database thread -------------------------------------------------------------


def _club_id_of_stream(stream: str) -> int | None:
    prefix, _, number = stream.partition(".")
    # ASCII digits written as the server writes them: "club.²" or "club.٣" would pass isdigit()
    # alone, and "club.03" would name a group that never receives the club's events.
    if prefix != "club" or not (number.isascii() and number.isdigit()):
        return None
    return int(number) if after_commit.group_name("club", int(number)) == stream else None


def may_follow(user_id: int, stream: str) -> bool:
    """A member follows their own personal stream and the streams of their clubs."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    if stream == after_commit.group_name("user", user_id):
        return True
    club_id = _club_id_of_stream(stream)
    club = Club.objects.filter(pk=club_id).first() if club_id is not None else None
    return access.membership_of(user, club) is not None


def allowed_streams(user_id: int, streams: list[str]) -> set[str] | None:
    """Which of these streams the person may still follow; None if the account is inactive."""
    if not User.objects.filter(pk=user_id, is_active=True).exists():
        return None
    return {stream for stream in streams if may_follow(user_id, stream)}


def login_still_valid(user_id: int, session_key: str | None) -> bool:
    """Whether the connection's session still logs this person in, as its next HTTP request
    would find: not once it logged out, nor once the password changed after it logged in (the
    session keeps a hash of the password it logged in with). Read afresh from the session store,
    without changing it."""
    if not session_key:
        return False
    stored = import_module(settings.SESSION_ENGINE).SessionStore(session_key).load()
    user = User.objects.filter(pk=user_id).first()
    if user is None or stored.get(SESSION_KEY) != str(user_id):
        return False
    session_hash = stored.get(HASH_SESSION_KEY) or ""
    valid_hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(constant_time_compare(session_hash, valid) for valid in valid_hashes)


def _thread_for_member(user_id: int, thread_id: int) -> Thread:
    thread = Thread.objects.select_related("club").filter(pk=thread_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if thread is None or access.membership_of(user, thread.club) is None:
        raise FrameError("fil introuvable")
    return thread


# --- Handlers -----------------------------------------------------------------------------------


async def ping(consumer, frame):
    await consumer.send_frame({"type": "pong", "id": frame.get("id")})


async def subscribe(consumer, frame):
    stream = frame.get("stream")
    after = _positive_int(frame, "after", required=False)
    if not isinstance(stream, str) or len(stream) > 40:
        raise FrameError("« stream » attendu")
    if not await database_call(may_follow)(consumer.user.pk, stream):
        raise FrameError("flux introuvable")  # the same answer for missing and forbidden
    # Join first, then replay: the stream's live events wait in the hub until the replay is
    # sent (a person's own stream is on the page's channel, which waits for this handler).
    club_stream = stream != consumer.personal
    if club_stream:
        await consumer.hub.join(stream, consumer)
    consumer.subscriptions[stream] = _club_id_of_stream(stream) or 0
    sent_up_to = 0  # should the replay fail, the page gets every live event that waited
    try:
        sent_up_to = await _replay(consumer, stream, after)
    finally:
        if club_stream:
            await consumer.hub.release(stream, consumer, sent_up_to)


async def _replay(consumer, stream: str, after: int | None) -> int:
    """`subscribed` with the stream's number, then what was missed after `after` (or `resync`);
    the number the page is at after that."""
    seq = await database_call(event_log.current_seq)(stream)
    await consumer.send_frame({"type": "subscribed", "stream": stream, "seq": seq})
    if after is None:
        return seq
    missed = await database_call(event_log.events_after)(stream, after)
    if missed is None:
        await consumer.send_frame({"type": "resync", "stream": stream, "seq": seq})
        return seq
    for event in missed:
        await consumer.send_frame(event.as_frame())
    return max([seq, *(event.seq for event in missed)])


async def stop_following(consumer, stream: str) -> None:
    del consumer.subscriptions[stream]
    if stream != consumer.personal:
        await consumer.hub.leave(stream, consumer)


async def unsubscribe(consumer, frame):
    stream = frame.get("stream")
    if not isinstance(stream, str) or len(stream) > 40:  # a list or a dict is not hashable
        raise FrameError("« stream » attendu")
    if stream in consumer.subscriptions:
        await stop_following(consumer, stream)
    await consumer.send_frame({"type": "unsubscribed", "stream": stream, "reason": "asked"})


def _post_over_socket(user_id: int, thread_id: int, client_id: str, source: str) -> Post:
    # The action checks the membership (PermissionDenied, below); the profile is for the event.
    user = User.objects.select_related("profile").filter(pk=user_id, is_active=True).first()
    thread = Thread.objects.select_related("club").filter(pk=thread_id).first()
    if user is None or thread is None:
        raise FrameError("fil introuvable")
    try:
        return actions.post_reply(author=user, thread=thread, source=source, client_id=client_id)
    except ActionError as error:
        raise FrameError(str(error)) from error
    except access.SecondFactorRequired as error:
        raise FrameError(SECOND_FACTOR_FIRST) from error
    except PermissionDenied as error:
        raise FrameError("fil introuvable") from error


async def post(consumer, frame):
    thread_id = _positive_int(frame, "thread")
    client_id = _text(frame, "client_id", max_length=64)
    source = _text(frame, "source", max_length=actions.MAX_POST_LENGTH)
    created = await database_call(_post_over_socket)(consumer.user.pk, thread_id, client_id, source)
    await consumer.send_frame(
        {"type": "ack", "client_id": client_id, "post": created.pk, "thread": thread_id}
    )


async def typing(consumer, frame):
    thread_id = _positive_int(frame, "thread")
    if not consumer.typing_allowed(thread_id):
        return  # silently dropped: typing is a hint, not a request
    thread = await database_call(_thread_for_member)(consumer.user.pk, thread_id)
    stream = after_commit.group_name("club", thread.club_id)
    name = await database_call(lambda: consumer.user.display_name)()
    frame = {"type": "typing", "stream": stream, "thread": thread_id, "user": consumer.user.pk,
             "name": name}  # fmt: skip
    await consumer.channel_layer.group_send(stream, {"type": "stream.ephemeral", "frame": frame})


# --- Presence: who is reading a thread right now ------------------------------------------------

PRESENCE_TTL = 45  # seconds: a page says "viewing" every 30 s while it is open


def _presence_key(thread_id: int) -> str:
    return f"presence:thread:{thread_id}"


def update_presence(thread_id: int, user_id: int, name: str | None) -> list[str] | None:
    """Record that the member reads the thread (name) or left it (None); the readers' names if
    they changed, else None. Kept in the cache, shared by every process."""
    key = _presence_key(thread_id)
    now = time.time()
    readers = {uid: entry for uid, entry in (cache.get(key) or {}).items() if entry[1] > now}
    before = sorted(entry[0] for entry in readers.values())
    if name is None:
        readers.pop(user_id, None)
    else:
        readers[user_id] = (name, now + PRESENCE_TTL)
    cache.set(key, readers, timeout=PRESENCE_TTL)
    after = sorted(entry[0] for entry in readers.values())
    return after if after != before else None


async def broadcast_presence(consumer, thread_id: int, club_id: int, readers: list[str]) -> None:
    stream = after_commit.group_name("club", club_id)
    frame = {"type": "presence", "stream": stream, "thread": thread_id, "readers": readers}
    await consumer.channel_layer.group_send(stream, {"type": "stream.ephemeral", "frame": frame})


async def viewing(consumer, frame):
    thread_id = _positive_int(frame, "thread")
    thread = await database_call(_thread_for_member)(consumer.user.pk, thread_id)
    name = await database_call(lambda: consumer.user.display_name)()
    consumer.viewing[thread_id] = thread.club_id
    readers = await database_call(update_presence)(thread_id, consumer.user.pk, name)
    if readers is not None:
        await broadcast_presence(consumer, thread_id, thread.club_id, readers)


async def left(consumer, thread_id: int) -> None:
    """The page closed or went elsewhere: the member no longer reads the thread."""
    club_id = consumer.viewing.pop(thread_id, None)
    if club_id is None:
        return
    readers = await database_call(update_presence)(thread_id, consumer.user.pk, None)
    if readers is not None:
        await broadcast_presence(consumer, thread_id, club_id, readers)


def _mark_read(user_id: int, thread_id: int, post_id: int) -> None:
    thread = _thread_for_member(user_id, thread_id)
    if not thread.posts.filter(pk=post_id).exists():  # else the read position could leap ahead
        raise FrameError("message introuvable")
    user = User.objects.get(pk=user_id)
    actions.mark_read(user=user, thread=thread, up_to_post_id=post_id)
    actions.posts_seen(user=user, thread=thread, post_ids=[post_id])


async def read(consumer, frame):
    thread_id = _positive_int(frame, "thread")
    post_id = _positive_int(frame, "post")
    await database_call(_mark_read)(consumer.user.pk, thread_id, post_id)
    await consumer.send_frame({"type": "read", "thread": thread_id, "post": post_id})


HANDLERS = {
    "ping": ping,
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "post": post,
    "typing": typing,
    "read": read,
    "viewing": viewing,
}
