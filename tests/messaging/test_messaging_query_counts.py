"""The club page and the thread page cost the same number of queries at 20 and 2,000 posts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clubs.models import Club, Membership, Role
from community.models import User
from messaging import actions, markdown
from messaging.models import Attachment, Post, Reaction, ReadState, Thread, ThreadSubscription
from notifications.models import Channel, Notification, NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def club_with_reader():
    club = Club.objects.create(name="Secrétaires de mairie", slug="secretaires")
    reader = User.objects.create_user(email="lectrice@exemple.fr", first_name="Léa")
    Membership.objects.create(user=reader, club=club, role=Role.MODERATOR)
    return club, reader


def grow(club, thread_count: int, posts_per_thread: int) -> list[Thread]:
    """Threads with posts by several authors, each post with reactions and an attachment."""
    authors = [
        User.objects.create_user(email=f"a{n}-{User.objects.count()}@exemple.fr") for n in range(3)
    ]
    for author in authors:
        Membership.objects.create(user=author, club=club)
    html = markdown.render("Un message **important**.").html
    threads = []
    for t in range(thread_count):
        thread = Thread.objects.create(club=club, title=f"Fil {t}", author=authors[0])
        posts = Post.objects.bulk_create(
            Post(thread=thread, author=authors[n % 3], source="Un message", html=html)
            for n in range(posts_per_thread)
        )
        Reaction.objects.bulk_create(
            Reaction(post=post, user=authors[(n + 1) % 3], kind="merci")
            for n, post in enumerate(posts)
        )
        Attachment.objects.bulk_create(
            Attachment(
                post=post,
                original_name="note.pdf",
                content_type="application/pdf",
                size=10,
                file="x.pdf",
            )
            for post in posts
        )
        thread.post_count = len(posts)
        thread.last_post = posts[-1]
        thread.last_activity_at = timezone.now()
        thread.save()
        threads.append(thread)
    return threads


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_the_club_page_costs_the_same_with_20_and_2000_posts(client, club_with_reader):
    club, reader = club_with_reader
    client.force_login(reader)
    url = reverse("clubs:detail", args=[club.slug])
    grow(club, thread_count=4, posts_per_thread=5)
    small = queries_for(client, url)
    grow(club, thread_count=40, posts_per_thread=50)
    assert queries_for(client, url) == small


@pytest.mark.parametrize("position", ["first", "last", "middle"])
def test_the_thread_page_costs_the_same_with_20_and_2000_posts(client, club_with_reader, position):
    club, reader = club_with_reader
    client.force_login(reader)
    (small_thread,) = grow(club, thread_count=1, posts_per_thread=20)
    (big_thread,) = grow(club, thread_count=1, posts_per_thread=2000)

    def url(thread):
        ids = list(thread.posts.order_by("id").values_list("id", flat=True))
        query = {
            "first": f"depuis={ids[0]}",
            "last": f"avant={ids[-1] + 1}",
            "middle": f"depuis={ids[len(ids) // 2]}",
        }
        return reverse("messaging:thread", args=[club.slug, thread.pk]) + "?" + query[position]

    assert queries_for(client, url(big_thread)) == queries_for(client, url(small_thread))


def test_the_thread_page_shows_fifty_posts_and_links_to_the_others(client, club_with_reader):
    club, reader = club_with_reader
    client.force_login(reader)
    (thread,) = grow(club, thread_count=1, posts_per_thread=120)
    ids = list(thread.posts.order_by("id").values_list("id", flat=True))
    page = client.get(
        reverse("messaging:thread", args=[club.slug, thread.pk]) + f"?depuis={ids[60]}"
    )
    html = page.content.decode()
    assert html.count("data-post-id=") == 50
    assert f"?avant={ids[60]}" in html and "Messages précédents" in html
    assert f"?depuis={ids[109] + 1}" in html and "Messages suivants" in html


# --- Writing --------------------------------------------------------------------------------------


def reply_queries(thread, author, run_on_commit, *, client_id: str) -> tuple[int, Post]:
    """The statements of a reply, its after-commit work included (the event, the followers'
    notifications), as the websocket makes it."""
    with CaptureQueriesContext(connection) as captured, run_on_commit():
        post = actions.post_reply(
            author=author, thread=thread, source="Merci, c'est noté.", client_id=client_id
        )
    return len(captured), post


def follow(thread, people, *, channel: str = "") -> None:
    for person in people:
        ThreadSubscription.objects.create(
            user=person, thread=thread, level=ThreadSubscription.Level.FOLLOW
        )
        if channel:
            NotificationPreference.objects.create(user=person, reply=channel)


def test_a_reply_costs_the_same_with_4_and_80_followers(
    club, make_user, make_membership, make_thread, make_post, run_on_commit, deferred_tasks
):
    """The followers are read with their preferences in one query and told in one insert, the
    email batches they join are found in one more; the author's follow and read position,
    written on their first post, cost nothing after it."""
    starter, writer = make_user(), make_user()
    for person in (starter, writer):
        make_membership(person, club)
    thread = make_thread(club, starter)
    make_post(thread, writer)  # the writer follows the thread and has read it since

    def grow(count: int) -> list[User]:
        people = [make_user() for _ in range(count)]
        for person in people:
            make_membership(person, club)
        return people

    few = grow(4)
    follow(thread, few[:1])  # the default: on the site and in the digest
    follow(thread, few[1:2], channel=Channel.SITE)
    follow(thread, few[2:3], channel=Channel.EMAIL)
    follow(thread, few[3:], channel=Channel.OFF)
    small, post = reply_queries(thread, writer, run_on_commit, client_id="a")
    told = Notification.objects.filter(url__endswith=f"/{post.pk}/")
    assert set(told.values_list("recipient_id", flat=True)) == {s.pk for s in (starter, *few[:3])}
    assert len(deferred_tasks.results) == 1  # the email follower's batch starts

    many = grow(76)
    follow(thread, many[:40])
    follow(thread, many[40:50], channel=Channel.SITE)
    follow(thread, many[50:70], channel=Channel.EMAIL)
    follow(thread, many[70:], channel=Channel.OFF)
    large, post = reply_queries(thread, writer, run_on_commit, client_id="b")
    assert Notification.objects.filter(url__endswith=f"/{post.pk}/").count() == 1 + 3 + 70
    assert len(deferred_tasks.results) == 1 + 20  # the first one's batch waits already
    assert large == small
    # In the reply's transaction: the membership with the idempotency check and the author's
    # standing, the post (in its savepoint), the read position, the event's number and row, the
    # thread's count; in the notifications' own: the post read again, the followers with their
    # preferences, their notifications; then the email batches waiting. 12, and 2 for each
    # transaction's start and end.
    assert small <= 16


def test_a_first_reply_in_a_thread_follows_it_and_places_the_read_position(
    club, make_user, make_membership, make_thread, run_on_commit
):
    starter, writer = make_user(), make_user()
    for person in (starter, writer):
        make_membership(person, club)
    thread = make_thread(club, starter)
    first, post = reply_queries(thread, writer, run_on_commit, client_id="a")
    assert ThreadSubscription.objects.filter(user=writer, thread=thread).exists()
    assert ReadState.objects.get(user=writer, thread=thread).last_read_post_id == post.pk
    later, post = reply_queries(thread, writer, run_on_commit, client_id="b")
    assert ReadState.objects.get(user=writer, thread=thread).last_read_post_id == post.pk
    assert later < first  # no follow nor read position to create any more
