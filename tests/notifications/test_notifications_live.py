"""The header badge's number arrives live on the member's personal stream, after commit."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import DatabaseError
from live_sessions import page_socket, session_cookie

from messaging import actions as messaging_actions
from messaging import badges
from notifications import actions, selectors

pytestmark = pytest.mark.django_db(transaction=True)
db = database_sync_to_async


@db
def cookie_for(user) -> bytes:
    return session_cookie(user)


async def open_page_of(user) -> WebsocketCommunicator:
    """A page of this member's, connected and greeted."""
    socket = page_socket(await cookie_for(user))
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from())["type"] == "hello"
    return socket


async def next_count(socket) -> int:
    while True:
        frame = await socket.receive_json_from(timeout=5)
        if frame["type"] == "notifications":
            return frame["unread"]


async def test_a_mention_updates_the_badge_of_the_mentioned_members_open_pages(
    member, author, club
):
    thread = await db(messaging_actions.start_thread)(
        author=author, club=club, title="Budget", source="Bonjour"
    )  # a new thread: one unread notification for the member already
    socket = await open_page_of(member)
    await db(messaging_actions.post_reply)(
        author=author, thread=thread, source=f"@{member.profile.handle} pouvez-vous relire ?"
    )
    assert await next_count(socket) == 2
    await db(actions.mark_all_read)(user=member)
    assert await next_count(socket) == 0
    await socket.disconnect()


async def test_a_reply_read_live_is_no_longer_counted_on_the_badge(member, author, club):
    thread = await db(messaging_actions.start_thread)(
        author=author, club=club, title="Budget", source="Bonjour"
    )  # one unread notification: the new thread
    socket = await open_page_of(member)
    reply = await db(messaging_actions.post_reply)(
        author=author, thread=thread, source=f"@{member.profile.handle} pouvez-vous relire ?"
    )
    assert await next_count(socket) == 2
    await socket.send_json_to({"type": "read", "thread": thread.pk, "post": reply.pk})
    assert await next_count(socket) == 1  # the mention is read; the new thread is not
    await socket.disconnect()


async def test_another_members_notification_does_not_reach_this_page(member, author, club):
    socket = await open_page_of(author)
    await db(messaging_actions.start_thread)(
        author=member, club=club, title="Budget", source=f"@{author.profile.handle} bonjour"
    )
    assert await next_count(socket) == 1  # the mention of the author
    await db(messaging_actions.start_thread)(author=author, club=club, title="Autre", source="x")
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_a_count_that_fails_leaves_the_page_connected_and_the_next_change_counts(
    member, author, club, monkeypatch, caplog
):
    socket = await open_page_of(member)
    counted = []
    real_count = selectors.unread_count

    def fails_the_first_time(user):
        counted.append(user.pk)
        if len(counted) == 1:
            raise DatabaseError("connexion perdue")
        return real_count(user)

    # The page's badge counts through the counter notifications handed to the transport.
    monkeypatch.setattr(badges, "_unread_counter", fails_the_first_time)
    await db(messaging_actions.start_thread)(
        author=author, club=club, title="Budget", source="Bonjour"
    )  # the member is told of the new thread: the count fails
    await socket.send_json_to({"type": "ping", "id": 1})
    assert await socket.receive_json_from(timeout=5) == {"type": "pong", "id": 1}
    await db(actions.mark_all_read)(user=member)
    assert await next_count(socket) == 0
    assert len(counted) == 2
    assert "Pastille de notifications non mise à jour" in caplog.text
    await socket.disconnect()
