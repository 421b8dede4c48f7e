"""What is new for a member: unread threads by club, in the header and as JSON for live badges."""

import pytest
from django.urls import reverse

from messaging import actions, selectors

pytestmark = pytest.mark.django_db


def test_a_new_thread_by_someone_else_counts_as_unread_in_its_club(
    member, author, club, other_club, make_thread
):
    make_thread(club, author)
    make_thread(club, author)
    assert selectors.unread_threads_by_club(member) == {club.pk: 2}
    assert selectors.unread_threads_by_club(author) == {}  # one's own posts are read


def test_reading_a_thread_clears_it_and_a_new_reply_brings_it_back(
    member_client_for, member, author, club, make_thread
):
    thread = make_thread(club, author)
    member_client_for.get(reverse("messaging:thread", args=[club.slug, thread.pk]))
    assert selectors.unread_threads_by_club(member) == {}
    actions.post_reply(author=author, thread=thread, source="Du nouveau")
    assert selectors.unread_threads_by_club(member) == {club.pk: 1}


def test_hidden_and_deleted_posts_do_not_count_as_unread(
    member, author, moderator, club, make_thread
):
    thread = make_thread(club, author)
    actions.mark_read(user=member, thread=thread, up_to_post_id=thread.last_post_id)
    reply = actions.post_reply(author=author, thread=thread, source="Hors sujet")
    actions.hide_post(moderator=moderator, post=reply, reason="Hors sujet")
    assert selectors.unread_threads_by_club(member) == {}


def test_the_header_shows_the_unread_count_next_to_the_club(
    member_client_for, author, club, make_thread
):
    make_thread(club, author)
    page = member_client_for.get(reverse("home")).content.decode()
    assert f'data-unread-club="{club.pk}">1<' in page


def test_the_unread_counts_are_served_as_json_for_the_live_badges(
    member_client_for, author, club, make_thread
):
    make_thread(club, author)
    response = member_client_for.get(reverse("messaging:unread_counts"))
    assert response.json() == {"clubs": {str(club.pk): 1}}


def test_unread_counts_cost_one_query_whatever_the_number_of_clubs(
    member, author, make_club, make_membership, make_thread, django_assert_num_queries
):
    for _ in range(5):
        club = make_club()
        make_membership(member, club)
        make_membership(author, club)
        make_thread(club, author)
    with django_assert_num_queries(1):
        counts = selectors.unread_threads_by_club(member)
    assert sorted(counts.values()) == [1] * 5


@pytest.fixture
def member_client_for(client, member):
    client.force_login(member)
    return client
