"""The live layer: subscriptions, every event, catch-up, posting over the socket, revocation and
bad frames, through the real ASGI application with the configured channel layer."""

import asyncio
import json
import logging

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from live_sessions import frames_within, next_event, open_socket, session_for, subscribed

from clubs import actions as club_actions
from clubs.models import Role
from community import after_commit, event_log
from community.models import EventLog
from messaging import actions
from messaging.consumers import CLOSE_FORBIDDEN, CLOSE_TOO_BIG, CLOSE_UNAUTHENTICATED
from messaging.models import Post

pytestmark = pytest.mark.django_db(transaction=True)
db = database_sync_to_async


# --- Subscriptions ------------------------------------------------------------------------------


async def test_a_member_subscribes_to_their_club_and_learns_its_sequence(member, club):
    socket = await open_socket(member)
    await socket.send_json_to({"type": "subscribe", "stream": f"club.{club.pk}"})
    assert await socket.receive_json_from() == {
        "type": "subscribed",
        "stream": f"club.{club.pk}",
        "seq": 0,
    }
    await socket.disconnect()


@pytest.mark.parametrize("stream", ["club.{other}", "club.999999", "user.{outsider}", "nimporte"])
async def test_a_stream_one_may_not_follow_is_refused_like_a_missing_one(
    member, other_club, outsider, stream
):
    socket = await open_socket(member)
    await socket.send_json_to(
        {"type": "subscribe", "stream": stream.format(other=other_club.pk, outsider=outsider.pk)}
    )
    assert await socket.receive_json_from() == {"type": "error", "reason": "flux introuvable"}
    await socket.disconnect()


async def test_a_member_follows_their_own_personal_stream(member):
    socket = await open_socket(member)
    await socket.send_json_to({"type": "subscribe", "stream": f"user.{member.pk}"})
    assert (await socket.receive_json_from())["type"] == "subscribed"
    await socket.disconnect()


# --- Events -------------------------------------------------------------------------------------


async def test_a_post_reaches_the_other_readers_with_its_html(member, author, club, make_thread):
    thread = await db(make_thread)(club, author)
    last_seq = await db(event_log.current_seq)(f"club.{club.pk}")
    socket = await subscribed(member, club, after=last_seq)
    post = await db(actions.post_reply)(author=author, thread=thread, source="Voici **le modèle**.")
    frame = await next_event(socket)
    assert frame["event"] == "post.created"
    assert frame["thread"] == thread.pk and frame["post"] == post.pk
    assert frame["author"] == author.pk
    assert "<strong>le modèle</strong>" in frame["html"]
    assert f'id="message-{post.pk}"' in frame["html"]
    assert 'data-visible-to="author"' in frame["html"]
    await socket.disconnect()


async def test_every_change_of_a_thread_is_an_event_numbered_without_gaps(
    member, author, moderator, club, other_club, make_membership, make_thread
):
    await db(make_membership)(moderator, other_club, Role.MODERATOR)
    thread = await db(make_thread)(club, author)
    stream = f"club.{club.pk}"
    socket = await subscribed(member, club, after=await db(event_log.current_seq)(stream))

    @db
    def happen():
        post = actions.post_reply(author=author, thread=thread, source="Réponse")
        actions.edit_post(editor=author, post=post, source="Réponse corrigée")
        actions.toggle_reaction(user=member, post=post, kind="merci")
        actions.hide_post(moderator=moderator, post=post, reason="Hors sujet")
        actions.restore_post(moderator=moderator, post=post)
        actions.accept_answer(user=author, post=post)
        actions.set_pinned(moderator=moderator, thread=thread, pinned=True)
        actions.set_locked(moderator=moderator, thread=thread, locked=True)
        actions.delete_post(user=author, post=post)
        actions.move_thread(moderator=moderator, thread=thread, to_club=other_club)

    await happen()
    received = [await next_event(socket) for _ in range(11)]
    assert [f["event"] for f in received] == [
        "post.created",
        "post.edited",
        "reaction.changed",
        "post.hidden",
        "post.restored",
        "thread.solved",
        "thread.pinned",
        "thread.locked",
        "post.deleted",
        "thread.solved",  # deleting the accepted answer un-solves the thread
        "thread.moved",
    ]
    seqs = [f["seq"] for f in received]
    assert seqs == list(range(seqs[0], seqs[0] + 11))
    reaction = received[2]
    assert (
        reaction["counts"] == {"merci": 1} and reaction["user"] == member.pk and reaction["added"]
    )
    assert received[6]["value"] is True and received[5]["post"] is not None
    assert received[10]["to_club"] == other_club.pk
    await socket.disconnect()


async def test_a_new_thread_is_announced_to_the_club(member, author, club, make_thread):
    socket = await subscribed(member, club, after=0)
    thread = await db(make_thread)(club, author, title="Seuils 2026")
    frames = [await next_event(socket), await next_event(socket)]
    assert [f["event"] for f in frames] == ["thread.created", "post.created"]
    assert frames[0]["title"] == "Seuils 2026" and frames[0]["thread"] == thread.pk
    await socket.disconnect()


async def test_typing_reaches_the_others_but_not_the_writer(member, author, club, make_thread):
    thread = await db(make_thread)(club, author)
    reader = await subscribed(member, club)
    writer = await subscribed(author, club)
    await writer.send_json_to({"type": "typing", "thread": thread.pk})
    frame = await reader.receive_json_from()
    assert frame["type"] == "typing" and frame["thread"] == thread.pk
    assert frame["user"] == author.pk and frame["name"] == author.display_name
    assert await writer.receive_nothing(timeout=0.3)
    await reader.disconnect()
    await writer.disconnect()


# --- Catch-up -----------------------------------------------------------------------------------


async def test_a_page_that_was_away_gets_exactly_the_50_posts_it_missed_in_order(
    member, author, club, make_thread, settings
):
    settings.POSTS_PER_MINUTE = 51  # the thread, then its 50 replies
    thread = await db(make_thread)(club, author)
    stream = f"club.{club.pk}"
    last_seen = await db(event_log.current_seq)(stream)

    @db
    def fifty_posts():
        return [
            actions.post_reply(author=author, thread=thread, source=f"Message {n}").pk
            for n in range(50)
        ]

    posted = await fifty_posts()
    socket = await subscribed(member, club, after=last_seen)
    received = [await next_event(socket) for _ in range(50)]
    assert [f["post"] for f in received] == posted
    assert [f["seq"] for f in received] == list(range(last_seen + 1, last_seen + 51))
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_page_away_longer_than_the_log_keeps_is_told_to_resync(
    member, author, club, make_thread
):
    await db(make_thread)(club, author)
    stream = f"club.{club.pk}"
    await db(lambda: EventLog.objects.filter(stream=stream, seq=1).delete())()
    socket = await open_socket(member)
    await socket.send_json_to({"type": "subscribe", "stream": stream, "after": 0})
    assert (await socket.receive_json_from())["type"] == "subscribed"
    resync = await socket.receive_json_from()
    assert resync == {
        "type": "resync",
        "stream": stream,
        "seq": await db(event_log.current_seq)(stream),
    }
    await socket.disconnect()


@pytest.fixture
def six_events(settings, club, author, make_thread):
    """A club's stream with six events (a thread, its first post and four replies), and a
    catch-up limited to five."""
    settings.LIVE_CATCH_UP_MAX = 5
    thread = make_thread(club, author)
    for n in range(4):
        actions.post_reply(author=author, thread=thread, source=f"Message {n}")
    stream = after_commit.group_name("club", club.pk)
    assert event_log.current_seq(stream) == 6
    return stream


async def catch_up(member, stream: str, after: int) -> list[dict]:
    """The frames that follow `subscribed` when a page subscribes with `after`."""
    socket = await open_socket(member)
    await socket.send_json_to({"type": "subscribe", "stream": stream, "after": after})
    assert (await socket.receive_json_from())["type"] == "subscribed"
    frames = []
    while not await socket.receive_nothing(timeout=0.3):
        frames.append(await socket.receive_json_from())
    await socket.disconnect()
    return frames


@pytest.mark.parametrize("after", [1, 4, 6])
async def test_a_catch_up_within_the_maximum_replays_the_missed_events(member, six_events, after):
    frames = await catch_up(member, six_events, after)
    assert [(f["type"], f["seq"]) for f in frames] == [("event", s) for s in range(after + 1, 7)]


async def test_a_catch_up_longer_than_the_maximum_is_a_resync_and_not_the_events(
    member, six_events
):
    assert await catch_up(member, six_events, 0) == [
        {"type": "resync", "stream": six_events, "seq": 6}
    ]


async def test_a_catch_up_heavier_than_its_byte_limit_is_a_resync(member, six_events, settings):
    two_events = await db(event_log.events_after)(six_events, 4)
    heavy = sum(len(event_log.frame_text(event.as_frame()).encode()) for event in two_events)
    settings.LIVE_CATCH_UP_MAX_BYTES = heavy - 1
    assert await catch_up(member, six_events, 4) == [
        {"type": "resync", "stream": six_events, "seq": 6}
    ]
    settings.LIVE_CATCH_UP_MAX_BYTES = heavy
    assert [f["seq"] for f in await catch_up(member, six_events, 4)] == [5, 6]


# --- Posting over the socket --------------------------------------------------------------------


async def test_a_post_sent_over_the_socket_is_acknowledged_then_arrives(
    member, author, club, make_thread
):
    thread = await db(make_thread)(club, author)
    socket = await subscribed(member, club)
    await socket.send_json_to(
        {"type": "post", "thread": thread.pk, "client_id": "abc123", "source": "Merci !"}
    )
    frames = [await socket.receive_json_from(), await socket.receive_json_from()]
    ack = next(f for f in frames if f["type"] == "ack")
    event = next(f for f in frames if f["type"] == "event")
    assert ack["client_id"] == "abc123" and ack["post"] == event["post"]
    assert await db(Post.objects.filter(client_id="abc123").count)() == 1
    await socket.disconnect()


async def test_the_same_client_id_twice_over_the_socket_and_once_over_http_makes_one_post(
    member, author, club, make_thread
):
    thread = await db(make_thread)(club, author)
    first, second = await subscribed(member, club), await subscribed(member, club)
    frame = {"type": "post", "thread": thread.pk, "client_id": "same-id", "source": "Une fois"}

    @db
    def over_http():
        return actions.post_reply(
            author=member, thread=thread, source="Une fois", client_id="same-id"
        )

    await asyncio.gather(first.send_json_to(frame), second.send_json_to(frame), over_http())
    acks = []
    for socket in (first, second):
        while len(acks) < 2:
            answer = await socket.receive_json_from()
            if answer["type"] == "ack":
                acks.append(answer["post"])
                break
    assert await db(Post.objects.filter(author=member, client_id="same-id").count)() == 1
    assert len(set(acks)) == 1
    await first.disconnect()
    await second.disconnect()


async def test_posting_in_a_locked_thread_over_the_socket_says_why(
    member, author, moderator, club, make_thread
):
    thread = await db(make_thread)(club, author)
    await db(actions.set_locked)(moderator=moderator, thread=thread, locked=True)
    socket = await open_socket(member)
    await socket.send_json_to(
        {"type": "post", "thread": thread.pk, "client_id": "x1", "source": "?"}
    )
    answer = await socket.receive_json_from()
    assert answer == {
        "type": "error",
        "reason": "Ce fil est verrouillé : on n'y répond plus.",
        "client_id": "x1",
    }
    await socket.disconnect()


async def test_posting_too_fast_over_the_socket_is_refused(
    member, author, club, make_thread, settings
):
    settings.POSTS_PER_MINUTE = 3
    thread = await db(make_thread)(club, author)
    socket = await open_socket(member)
    answers = []
    for n in range(4):
        await socket.send_json_to(
            {"type": "post", "thread": thread.pk, "client_id": f"r{n}", "source": f"n°{n}"}
        )
        answers.append(await socket.receive_json_from())
    assert [a["type"] for a in answers] == ["ack", "ack", "ack", "error"]
    assert "Trop de messages" in answers[3]["reason"]
    await socket.disconnect()


# --- Revocation ---------------------------------------------------------------------------------


async def test_a_removed_member_stops_receiving_the_club_at_once(
    member, author, moderator, club, make_thread
):
    thread = await db(make_thread)(club, author)
    socket = await subscribed(member, club)
    membership = await db(lambda: member.club_memberships.get(club=club))()
    await db(club_actions.remove_member)(actor=moderator, membership=membership)
    assert await socket.receive_json_from(timeout=5) == {
        "type": "unsubscribed",
        "stream": f"club.{club.pk}",
        "reason": "access",
    }
    await db(actions.post_reply)(author=author, thread=thread, source="Après le départ")
    # The badge may still change (what they were told of the club goes); no event comes.
    assert "event" not in [frame["type"] for frame in await frames_within(socket, 0.5)]
    await socket.disconnect()


async def test_a_banned_member_stops_receiving_the_club(member, moderator, club):
    socket = await subscribed(member, club)
    await db(club_actions.ban_member)(actor=moderator, club=club, user=member, reason="Spam")
    assert (await socket.receive_json_from(timeout=5))["reason"] == "access"
    await socket.disconnect()


async def test_a_deactivated_account_is_disconnected(member, club):
    socket = await subscribed(member, club)

    @db
    def deactivate():
        member.is_active = False
        member.save()

    await deactivate()
    assert (await socket.receive_output(timeout=5)) == {
        "type": "websocket.close",
        "code": CLOSE_FORBIDDEN,
    }


async def test_logging_out_closes_that_session_s_pages_only(member, club):
    session = await session_for(member)
    this_page = await open_socket(member, session)
    other_device = await open_socket(member)

    @db
    def log_out():
        from django.contrib.auth import logout
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        request.session = SessionStore(session.session_key)
        request.user = member
        logout(request)

    await log_out()
    assert await this_page.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHENTICATED,
    }
    await other_device.send_json_to({"type": "ping", "id": 1})
    assert (await other_device.receive_json_from())["type"] == "pong"
    await other_device.disconnect()


# --- Bad frames ---------------------------------------------------------------------------------

BAD_FRAMES = [
    "{pas du json",
    "[]",
    "42",
    '"texte"',
    "null",
    json.dumps({"type": 12}),
    json.dumps({"type": "inconnu"}),
    json.dumps({"pas de type": True}),
    json.dumps({"type": "subscribe"}),
    json.dumps({"type": "subscribe", "stream": 5}),
    json.dumps({"type": "subscribe", "stream": "club.1", "after": -3}),
    json.dumps({"type": "subscribe", "stream": "club.1", "after": "zéro"}),
    json.dumps({"type": "subscribe", "stream": "x" * 5000}),
    json.dumps({"type": "post"}),
    json.dumps({"type": "post", "thread": "1", "client_id": "a", "source": "b"}),
    json.dumps({"type": "post", "thread": 999999, "client_id": "a", "source": "b"}),
    json.dumps({"type": "post", "thread": 1, "client_id": "", "source": "b"}),
    json.dumps({"type": "post", "thread": 1, "client_id": "a" * 65, "source": "b"}),
    json.dumps({"type": "post", "thread": 1, "client_id": "a", "source": ["liste"]}),
    json.dumps({"type": "post", "thread": True, "client_id": "a", "source": "b"}),
    json.dumps({"type": "typing", "thread": None}),
    json.dumps({"type": "read", "thread": 1}),
    json.dumps({"type": "read", "thread": 999999, "post": 1}),
    json.dumps({"type": "unsubscribe", "stream": {"a": 1}}),
]


async def test_bad_frames_get_error_frames_and_the_connection_stays_up(member, club):
    socket = await open_socket(member)
    for text in BAD_FRAMES:
        await socket.send_to(text_data=text)
        answer = await socket.receive_json_from()
        assert answer["type"] in {"error", "unsubscribed"}, (text, answer)
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive_json_from())["type"] == "error"
    await socket.send_json_to({"type": "ping", "id": "toujours là"})
    assert await socket.receive_json_from() == {"type": "pong", "id": "toujours là"}
    await socket.disconnect()


async def refused_as_too_big(member, text: str) -> bool:
    """Whether the server answers the frame with « trame trop grande » and closes as too big."""
    socket = await open_socket(member)
    await socket.send_to(text_data=text)
    answer = await socket.receive_json_from()
    closing = await socket.receive_output(timeout=5)
    await socket.disconnect()
    return answer == {"type": "error", "reason": "trame trop grande"} and closing == {
        "type": "websocket.close",
        "code": CLOSE_TOO_BIG,
    }


async def test_a_frame_over_64_kb_closes_the_connection_as_too_big_without_an_error_logged(
    member, caplog
):
    assert await refused_as_too_big(member, json.dumps({"type": "ping", "id": "x" * 70_000}))
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_the_limit_counts_bytes_so_accented_letters_count_twice(member, caplog):
    text = json.dumps({"type": "ping", "id": "é" * 40_000}, ensure_ascii=False)
    assert len(text) < django_settings.LIVE_MAX_FRAME_BYTES < len(text.encode())
    assert await refused_as_too_big(member, text)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_frame_just_under_the_limit_in_bytes_is_answered(member):
    padding = "é" * ((django_settings.LIVE_MAX_FRAME_BYTES - 100) // 2)
    text = json.dumps({"type": "ping", "id": padding}, ensure_ascii=False)
    assert len(text.encode()) <= django_settings.LIVE_MAX_FRAME_BYTES
    socket = await open_socket(member)
    await socket.send_to(text_data=text)
    assert await socket.receive_json_from() == {"type": "pong", "id": padding}
    await socket.disconnect()


async def test_a_bad_frame_on_one_connection_does_not_disturb_another(member, author, club):
    calm = await open_socket(author)
    noisy = await open_socket(member)
    for text in BAD_FRAMES:
        await noisy.send_to(text_data=text)
    await calm.send_json_to({"type": "ping", "id": 1})
    assert await calm.receive_json_from() == {"type": "pong", "id": 1}
    await calm.disconnect()
    await noisy.disconnect()


async def test_readers_of_a_thread_see_who_else_is_reading_it(member, author, club, make_thread):
    thread = await db(make_thread)(club, author)
    first = await subscribed(member, club)
    await first.send_json_to({"type": "viewing", "thread": thread.pk})
    assert (await first.receive_json_from())["readers"] == [member.display_name]
    second = await subscribed(author, club)
    await second.send_json_to({"type": "viewing", "thread": thread.pk})
    both = sorted([member.display_name, author.display_name])
    assert (await first.receive_json_from())["readers"] == both
    assert (await second.receive_json_from())["readers"] == both
    await second.disconnect()
    assert await first.receive_json_from() == {
        "type": "presence",
        "stream": f"club.{club.pk}",
        "thread": thread.pk,
        "readers": [member.display_name],
    }
    await first.disconnect()


async def test_one_cannot_announce_reading_a_thread_of_another_club(
    outsider, author, club, make_thread
):
    thread = await db(make_thread)(club, author)
    socket = await open_socket(outsider)
    await socket.send_json_to({"type": "viewing", "thread": thread.pk})
    assert await socket.receive_json_from() == {"type": "error", "reason": "fil introuvable"}
    await socket.disconnect()
