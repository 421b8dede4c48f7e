"""A websocket catch-up (`subscribe` with `after`, served by `event_log.events_after`) replays the
event log: the content of a deleted, hidden or erased post must not come back through it. Found
by tests/security/test_security_property.py: a member subscribing with `after=0` received a deleted
post's text in its old `post.created` event. Nor may a deleted account: its name, handle, photo
and profile link leave the log with it."""

import json

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from live_sessions import page_socket, session_cookie

from clubs.models import Role
from community import after_commit, event_log
from entrepairs import account_deletion
from messaging import actions
from messaging.models import Reaction


def replayed(club) -> str:
    """Everything a catch-up from the start of the club's stream sends, as one text."""
    replay = event_log.events_after(after_commit.group_name("club", club.pk), 0)
    assert replay is not None, "a resync instead of the replay"
    frames = [event.as_frame() for event in replay]
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
    frames = event_log.events_after(after_commit.group_name("club", club.pk), 0)
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

    frames = event_log.events_after(after_commit.group_name("club", club.pk), 0)
    assert "partimot" not in replayed(club)
    # The numbers stay without gaps; every event of the thread now says where it went.
    assert [frame.seq for frame in frames] == list(range(1, len(frames) + 1))
    assert {frame.type for frame in frames} == {"thread.moved"}
    assert {frame.data["to_club"] for frame in frames} == {other_club.pk}
    assert "partimot" not in replayed(other_club)  # its new club gets only the news of its arrival


# --- A deleted account ---------------------------------------------------------------------------


def traces_of(person) -> list[str]:
    """What names the person in a page: their name, handle, organisation, photo and profile."""
    profile = person.profile
    return [
        person.display_name,
        profile.handle,
        profile.organisation,
        reverse("avatar", args=[profile.handle]),
        reverse("profile", args=[profile.handle]),
    ]


@pytest.fixture
def someone_who_leaves(member):
    """Claire, with an organisation and a photo, whose every trace a page could show is known."""
    profile = member.profile
    profile.handle = "claire-partie"
    profile.organisation = "Mairie de Quittebeuf"
    profile.job_title = "Secrétaire générale"
    profile.avatar = "avatars/claire.jpg"
    profile.save()
    return member


async def caught_up(reader, club) -> str:
    """What a page of the reader receives when it subscribes to the club with after=0, as text."""
    socket = page_socket(await database_sync_to_async(session_cookie)(reader))
    assert (await socket.connect())[0]
    await socket.receive_json_from()  # hello
    stream = after_commit.group_name("club", club.pk)
    await socket.send_json_to({"type": "subscribe", "stream": stream, "after": 0})
    await socket.send_json_to({"type": "ping", "id": "fin"})
    frames = []
    while (frame := await socket.receive_json_from(timeout=5)) != {"type": "pong", "id": "fin"}:
        frames.append(frame)
    await socket.disconnect()
    return json.dumps(frames, ensure_ascii=False)


@database_sync_to_async
def a_conversation_with(leaver, author, club, make_thread, make_post):
    """Claire opens a thread and edits it, Bruno answers, she reacts to his answer."""
    thread = make_thread(club, leaver, title="Tarifs de la cantine", source="Ma question")
    actions.edit_post(editor=leaver, post=thread.posts.get(), source="Ma question, corrigée")
    answer = make_post(thread, author, source="Voyez la délibération de 2024.")
    actions.toggle_reaction(user=leaver, post=answer, kind=Reaction.Kind.THANKS)
    return thread


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("erase_posts", [False, True], ids=["posts-kept", "posts-erased"])
async def test_a_deleted_account_leaves_no_name_handle_photo_or_profile_in_the_catch_up(
    someone_who_leaves, author, club, make_thread, make_post, erase_posts
):
    await a_conversation_with(someone_who_leaves, author, club, make_thread, make_post)
    traces = await database_sync_to_async(traces_of)(someone_who_leaves)
    assert "Claire Martin" in await caught_up(author, club)

    await database_sync_to_async(account_deletion.delete_account)(
        user=someone_who_leaves, erase_posts=erase_posts
    )

    replayed_now = await caught_up(author, club)
    assert [trace for trace in traces if trace in replayed_now] == []
    assert "Ancien membre" in replayed_now
    assert "Voyez la délibération de 2024." in replayed_now  # Bruno's answer stays whole
    assert ("Ma question, corrigée" in replayed_now) is not erase_posts


@pytest.mark.django_db(transaction=True)
async def test_a_mention_of_a_deleted_account_keeps_its_words_and_loses_the_profile_link(
    someone_who_leaves, author, club, make_thread, make_post
):
    thread = await a_conversation_with(someone_who_leaves, author, club, make_thread, make_post)
    answer = await database_sync_to_async(make_post)(thread, author, source="Merci @claire-partie.")
    profile_link = reverse("profile", args=["claire-partie"])
    assert profile_link in await caught_up(author, club)

    await database_sync_to_async(account_deletion.delete_account)(
        user=someone_who_leaves, erase_posts=False
    )

    await database_sync_to_async(answer.refresh_from_db)()
    assert profile_link not in answer.html  # on the thread page
    assert "Merci @claire-partie." in answer.html  # Bruno's words, as he wrote them
    assert profile_link not in await caught_up(author, club)
