"""The thread page keeps each post's rendered HTML per kind of reader (messaging/fragments.py):
what it shows from the cache must be what a fresh rendering shows, for every reader, after every
change, with the reader's own CSRF token in its forms."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from messaging import actions, fragments

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
PRESSED = 'aria-pressed="true"'  # the reader's own reactions


@pytest.fixture(autouse=True)
def empty_cache():
    fragments.rendered_posts.clear()
    yield
    fragments.rendered_posts.clear()


def posts_of(client: Client, thread) -> str:
    """The page's list of posts, its CSRF tokens blanked (they are masked afresh each time)."""
    url = reverse("messaging:thread", args=[thread.club.slug, thread.pk])
    page = client.get(url).content.decode()
    posts = page[page.index('<div class="posts" id="messages">') : page.index('id="en-train')]
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', posts)


def fresh_and_cached(client: Client, thread) -> tuple[str, str]:
    fragments.rendered_posts.clear()
    fresh = posts_of(client, thread)
    return fresh, posts_of(client, thread)


@pytest.fixture
def discussion(club, author, member, moderator, make_thread, make_post):
    thread = make_thread(club, author)
    reply = make_post(thread, member, source="Voici notre modèle.")
    actions.toggle_reaction(user=member, post=reply, kind="merci")
    return thread, reply


def test_each_reader_gets_from_the_cache_what_a_fresh_rendering_gives(
    discussion, author, member, moderator, client_for
):
    thread, _reply = discussion
    seen = {}
    for reader in (moderator, author, member):  # each after the others filled the cache
        client = client_for(reader)
        posts_of(client, thread)
        cached = posts_of(client, thread)
        fragments.rendered_posts.clear()
        assert cached == posts_of(client, thread)
        seen[reader.pk] = cached
    assert "Masquer" in seen[moderator.pk] and "Masquer" not in seen[member.pk]
    assert "Retenir comme réponse" in seen[author.pk]
    assert "Retenir comme réponse" not in seen[member.pk]
    assert seen[member.pk].count(PRESSED) == 1
    assert PRESSED not in seen[author.pk]


def test_a_change_to_a_post_shows_at_once_though_the_old_html_is_kept(
    discussion, member, moderator, client_for
):
    thread, reply = discussion
    client = client_for(member)
    posts_of(client, thread)
    actions.edit_post(editor=member, post=reply, source="Texte corrigé.")
    assert "Texte corrigé." in posts_of(client, thread)
    actions.toggle_reaction(user=member, post=reply, kind="bravo")
    assert posts_of(client, thread).count(PRESSED) == 2
    reply.refresh_from_db()
    actions.hide_post(moderator=moderator, post=reply, reason="hors sujet")
    fresh, cached = fresh_and_cached(client, thread)
    assert "hors sujet" in cached and "Texte corrigé." not in cached
    assert cached == fresh


def test_a_new_display_name_shows_on_the_old_posts(discussion, member, client_for):
    thread, _reply = discussion
    client = client_for(member)
    posts_of(client, thread)
    member.profile.display_name = "Camille Nouveau-Nom"
    member.profile.save()
    assert "Camille Nouveau-Nom" in posts_of(client, thread)


def test_every_form_carries_the_readers_own_token(discussion, member):
    thread, reply = discussion
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    url = reverse("messaging:thread", args=[thread.club.slug, thread.pk])
    client.get(url)
    page = client.get(url).content.decode()  # the posts come from the cache
    tokens = TOKEN.findall(page)
    # One per form that posts (a reaction form per post, the reply form, logging out...).
    assert len(tokens) == len(re.findall(r'<form method="post"', page)) > 3 and all(tokens)
    assert "\x00" not in page
    react = reverse("messaging:react", args=[thread.club.slug, reply.pk])
    assert f'action="{react}"' in page
    response = client.post(react, {"csrfmiddlewaretoken": tokens[-1], "kind": "pouce"})
    assert response.status_code == 302
    assert reply.reactions.filter(user=member, kind="pouce").exists()


def test_the_cache_keeps_only_the_last_fragments():
    kept: fragments.LastUsed[str] = fragments.LastUsed(2)
    kept.put(("a",), "A")
    kept.put(("b",), "B")
    assert kept.get(("a",)) == "A"  # now the most recent
    kept.put(("c",), "C")
    assert (kept.get(("a",)), kept.get(("b",)), kept.get(("c",))) == ("A", None, "C")
