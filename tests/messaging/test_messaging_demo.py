"""The demonstration discussions of `manage.py seed_demo`."""

import pytest

from messaging import demo
from messaging.models import Post, PostRevision, Reaction, ReadState, Thread, ThreadSubscription

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Thread, Post, Reaction, ReadState, ThreadSubscription, PostRevision)
    }


def titles(slug: str) -> set[str]:
    return set(Thread.objects.filter(club__slug=slug).values_list("title", flat=True))


def test_each_club_has_its_threads(demo_data):
    assert titles("secretaires-de-mairie") == {
        demo.WELCOME_TITLE,
        "Délibération pour le tarif de la cantine",
        "Durée de conservation des registres d'état civil",
        demo.LONG_THREAD_TITLE,
    }
    assert {demo.WELCOME_TITLE, "Tri des dossiers de permis de construire"} <= titles("archivistes")
    assert "Durée de conservation des registres d'état civil" not in titles("archivistes")
    assert titles("acheteurs-publics") == {
        demo.WELCOME_TITLE,
        "Seuils des marchés publics en 2026",
        "MAPA travaux : publicité adaptée ?",
    }
    assert titles("referents-rgpd") == {demo.WELCOME_TITLE}


def test_each_club_has_one_pinned_welcome_thread(demo_data):
    for slug in ("secretaires-de-mairie", "archivistes", "acheteurs-publics", "referents-rgpd"):
        pinned = Thread.objects.filter(club__slug=slug, pinned=True)
        assert [t.title for t in pinned] == [demo.WELCOME_TITLE], slug


def test_the_long_thread_has_2000_posts_and_a_correct_summary(demo_data):
    thread = Thread.objects.get(title=demo.LONG_THREAD_TITLE)
    posts = thread.posts.order_by("id")
    assert posts.count() == 2000
    assert thread.post_count == 2000
    assert thread.last_post == posts.last()
    assert thread.last_activity_at == posts.last().created_at
    assert thread.created_at == posts.first().created_at
    dates = list(posts.values_list("created_at", flat=True))
    assert dates == sorted(dates)
    assert (dates[-1] - dates[0]).days >= 28  # spread over past weeks
    assert all(post.html.startswith("<p>") for post in posts[:50])


def test_the_demo_reader_has_a_few_unread_posts_in_the_long_thread(demo_data):
    thread = Thread.objects.get(title=demo.LONG_THREAD_TITLE)
    state = ReadState.objects.get(user__email=demo.LONG_THREAD_READER, thread=thread)
    unread = thread.posts.filter(id__gt=state.last_read_post_id).count()
    assert unread == demo.LONG_THREAD_UNREAD


def test_a_solved_thread_with_reactions_and_a_mention(demo_data):
    thread = Thread.objects.get(title="Délibération pour le tarif de la cantine")
    posts = list(thread.posts.order_by("id"))
    assert len(posts) == 4  # the question and three replies
    assert thread.is_solved
    assert thread.accepted_answer == posts[2]
    assert thread.accepted_answer.author.email == "moderatrice@demo.test"
    assert Reaction.objects.filter(post__thread=thread).count() >= 2
    mentioned = posts[3].mentions.get()
    assert mentioned.email == "moderatrice@demo.test"
    assert f'href="/membres/{mentioned.profile.handle}/"' in posts[3].html


def test_thread_summaries_match_their_posts(demo_data):
    for thread in Thread.objects.all():
        visible = thread.posts.filter(deleted_at__isnull=True, hidden_at__isnull=True)
        assert thread.post_count == visible.count(), thread.title
        assert thread.last_post == visible.order_by("-id").first(), thread.title
        assert thread.last_activity_at == thread.last_post.created_at, thread.title


def test_authors_are_members_and_follow_their_threads(demo_data):
    for post in Post.objects.select_related("thread__club", "author").exclude(
        thread__title=demo.LONG_THREAD_TITLE
    ):
        assert post.author.club_memberships.filter(club=post.thread.club).exists()
        assert ThreadSubscription.objects.filter(user=post.author, thread=post.thread).exists()


def test_the_thresholds_thread_shows_a_table(demo_data):
    first = (
        Thread.objects.get(title="Seuils des marchés publics en 2026").posts.order_by("id").first()
    )
    assert "<table>" in first.html
    assert "<th>Seuil</th>" in first.html


def test_running_the_seed_twice_creates_nothing_new(demo_data, seed_demo):
    before = counts()
    assert before["Post"] > 2000
    seed_demo()
    assert counts() == before


def test_the_messaging_seed_alone_is_idempotent_and_quiet(demo_data):
    before = counts()
    logged = []
    demo.seed(logged.append)
    assert logged == []
    assert counts() == before
