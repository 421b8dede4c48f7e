"""A websocket catch-up (`subscribe` with `after`, served by `events.events_after`) replays the
event log: the content of a deleted, hidden or erased post must not come back through it. Found
by tests/security/test_security_property.py: a member subscribing with `after=0` received a deleted
post's text in its old `post.created` event."""

import json

import pytest

from clubs.models import Role
from messaging import actions, events


def replayed(club) -> str:
    """Everything a catch-up from the start of the club's stream sends, as one text."""
    frames = [event.as_frame() for event in events.events_after(events.club_stream(club.pk), 0)]
    return json.dumps(frames, ensure_ascii=False)


@pytest.fixture
def edited_post(club, member, make_thread):
    thread = make_thread(club, member, source="Première version ancienmot")
    post = thread.posts.get()
    return actions.edit_post(editor=member, post=post, source="Version corrigée nouveaumot")


@pytest.mark.django_db
def test_a_deleted_post_is_not_replayed(club, member, edited_post):
    assert "nouveaumot" in replayed(club)

    actions.delete_post(user=member, post=edited_post)

    sent = replayed(club)
    assert "ancienmot" not in sent and "nouveaumot" not in sent
    assert "Message supprimé" in sent


@pytest.mark.django_db
def test_a_hidden_post_is_not_replayed_until_restored(club, owner, edited_post):
    actions.hide_post(moderator=owner, post=edited_post, reason="Hors sujet")
    sent = replayed(club)
    assert "ancienmot" not in sent and "nouveaumot" not in sent
    assert "Message masqué" in sent

    actions.restore_post(moderator=owner, post=edited_post)
    # Replayed in order, the events end on the restored face, as on a live page.
    frames = events.events_after(events.club_stream(club.pk), 0)
    assert frames[-1].type == "post.restored"
    assert "nouveaumot" in frames[-1].data["html"]


@pytest.mark.django_db
def test_erased_posts_are_not_replayed(club, member, edited_post):
    actions.erase_posts_of(author=member)

    sent = replayed(club)
    assert "ancienmot" not in sent and "nouveaumot" not in sent


@pytest.mark.django_db
def test_a_hidden_post_of_a_moved_thread_is_not_replayed_in_its_first_club(
    club, other_club, owner, make_membership, member, make_thread
):
    thread = make_thread(club, member, source="Texte déplacémot")
    make_membership(owner, other_club, Role.OWNER)
    actions.move_thread(moderator=owner, thread=thread, to_club=other_club)
    actions.hide_post(moderator=owner, post=thread.posts.get(), reason="Hors sujet")

    assert "déplacémot" not in replayed(club)
    assert "déplacémot" not in replayed(other_club)


@pytest.mark.django_db
def test_a_moved_thread_is_not_replayed_in_the_club_it_left(
    club, other_club, owner, make_membership, member, make_thread, make_post
):
    thread = make_thread(club, member, title="Fil partimot", source="Texte partimot")
    make_post(thread, member, source="Réponse partimot")
    make_membership(owner, other_club, Role.OWNER)
    actions.move_thread(moderator=owner, thread=thread, to_club=other_club)

    frames = events.events_after(events.club_stream(club.pk), 0)
    assert "partimot" not in replayed(club)
    # The numbers stay without gaps; every event of the thread now says where it went.
    assert [frame.seq for frame in frames] == list(range(1, len(frames) + 1))
    assert {frame.type for frame in frames} == {"thread.moved"}
    assert {frame.data["to_club"] for frame in frames} == {other_club.pk}
    assert "partimot" not in replayed(other_club)  # its new club gets only the news of its arrival
