"""The header's unread counts are kept per member (messaging.context_processors.unread_by_club),
keyed by what they depend on: every change a member can see shows in the next page."""

import re

import pytest
from django.urls import reverse

from clubs.actions.members import ban_member, remove_member
from clubs.models import Membership
from messaging import actions, context_processors

pytestmark = pytest.mark.django_db


def badge(client, club) -> int | None:
    """The club's unread count in the header of the home page (None: the club is not there)."""
    page = client.get(reverse("home")).content.decode()
    found = re.search(rf'data-unread-club="{club.pk}"( hidden)?>(\d+)<', page)
    return None if found is None else int(found.group(2))


@pytest.fixture(autouse=True)
def kept_as_in_production(settings):
    settings.UNREAD_COUNTS_KEPT = True


@pytest.fixture
def reader(client, member):
    client.force_login(member)
    return client


def test_each_change_shows_in_the_next_page_though_the_counts_are_kept(
    reader, member, author, moderator, club, make_thread
):
    thread = make_thread(club, author)
    assert badge(reader, club) == 1
    assert badge(reader, club) == 1  # kept: the same key
    assert len(context_processors._kept_unread_counts.items) == 1

    reader.get(reverse("messaging:thread", args=[club.slug, thread.pk]))  # read
    assert badge(reader, club) == 0

    reply = actions.post_reply(author=author, thread=thread, source="Du nouveau")
    assert badge(reader, club) == 1

    actions.hide_post(moderator=moderator, post=reply, reason="Hors sujet")
    assert badge(reader, club) == 0

    actions.restore_post(moderator=moderator, post=reply)
    assert badge(reader, club) == 1

    actions.mark_read(user=member, thread=thread, up_to_post_id=reply.pk)
    assert badge(reader, club) == 0

    second = make_thread(club, author)
    assert badge(reader, club) == 1
    actions.delete_post(user=author, post=second.posts.get())
    assert badge(reader, club) == 0


def test_a_member_removed_or_banned_loses_the_club_from_the_header_at_once(
    reader, member, author, owner, club, make_thread
):
    make_thread(club, author)
    assert badge(reader, club) == 1
    ban_member(actor=owner, club=club, user=member)
    assert badge(reader, club) is None


def test_a_removed_member_loses_the_club_from_the_header_at_once(
    reader, member, author, owner, club, make_thread
):
    make_thread(club, author)
    assert badge(reader, club) == 1
    remove_member(actor=owner, membership=Membership.objects.get(user=member, club=club))
    assert badge(reader, club) is None
