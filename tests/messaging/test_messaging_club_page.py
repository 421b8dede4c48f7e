"""The club page's list of threads (clubs:detail for a member) and the list alone
(messaging:thread_list): order, unread counts, badges, filters, empty states, pagination."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pages import html, words

from messaging import actions
from messaging.models import Thread, ThreadSubscription

pytestmark = pytest.mark.django_db


# --- Helpers ------------------------------------------------------------------------------------


def listed(response) -> list[str]:
    """The titles of the listed threads, in order."""
    return [words(a) for a in html(response).select(".thread-list .thread-item__title a")]


def badges(response) -> dict[str, list[str]]:
    """Each listed thread's badges, by title."""
    return {
        words(item.select_one(".thread-item__title a")): [
            words(badge) for badge in item.select(".thread-item__badges .badge")
        ]
        for item in html(response).select(".thread-list .thread-item")
    }


def club_page(client, club, query: str = ""):
    return client.get(reverse("clubs:detail", args=[club.slug]) + query)


def ago(thread, **delta) -> None:
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=timezone.now() - timedelta(**delta))


def read(client, thread) -> None:
    """The client's member opens the thread (and so reads it)."""
    assert (
        client.get(reverse("messaging:thread", args=[thread.club.slug, thread.pk])).status_code
        == 200
    )


@pytest.fixture
def three(club, author, moderator, make_thread):
    """A pinned welcome thread (the oldest), an old thread and a recent one, all by others."""
    welcome = make_thread(club, moderator, title="Bienvenue")
    old = make_thread(club, author, title="Ancien fil")
    recent = make_thread(club, author, title="Fil récent")
    actions.set_pinned(moderator=moderator, thread=welcome, pinned=True)
    ago(welcome, days=30)
    ago(old, days=10)
    ago(recent, days=1)
    return welcome, old, recent


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_pinned_threads_first_then_by_last_activity(
    three, author, member, make_post, client_for
):
    client = client_for(member)
    assert listed(club_page(client, three[0].club)) == ["Bienvenue", "Fil récent", "Ancien fil"]
    make_post(three[1], author, source="Je relance ce fil.")
    assert listed(club_page(client, three[0].club)) == ["Bienvenue", "Ancien fil", "Fil récent"]


def test_a_thread_never_opened_is_new_and_one_with_new_posts_counts_them(
    three, author, member, make_post, client_for
):
    welcome, old, recent = three
    client = client_for(member)
    read(client, welcome)
    read(client, recent)
    read(client, old)
    make_post(recent, author, source="Une nouveauté")
    make_post(recent, author, source="Une autre")
    make_post(old, author, source="Une seule")
    actions.start_thread(author=author, club=old.club, title="Jamais ouvert", source="Question")
    response = club_page(client, old.club)
    shown = badges(response)
    assert shown["Jamais ouvert"] == ["nouveau"]
    assert shown["Fil récent"] == ["2 non lus"]
    assert shown["Ancien fil"] == ["1 non lu"]
    assert shown["Bienvenue"] == ["épinglé"]
    unread_link = html(response).find("a", class_="badge--new", string="2 non lus")
    recent_url = reverse("messaging:thread", args=[recent.club.slug, recent.pk])
    assert unread_link["href"] == recent_url + "#premier-non-lu"
    items = {
        words(item.select_one("h3")): item["class"]
        for item in html(response).select(".thread-item")
    }
    assert "thread-item--unread" in items["Fil récent"]
    assert "thread-item--unread" not in items["Bienvenue"]


def test_posts_hidden_or_deleted_do_not_count_as_unread(
    three, author, moderator, member, make_post, client_for
):
    _welcome, _old, recent = three
    client = client_for(member)
    read(client, recent)
    gone = make_post(recent, author, source="Effacé")
    hidden = make_post(recent, author, source="Masqué")
    make_post(recent, author, source="Visible")
    actions.delete_post(user=author, post=gone)
    actions.hide_post(moderator=moderator, post=hidden, reason="Hors sujet")
    assert badges(club_page(client, recent.club))["Fil récent"] == ["1 non lu"]


def test_each_state_of_a_thread_has_its_badge(
    three, author, moderator, member, make_post, client_for
):
    welcome, old, recent = three
    answer = make_post(old, moderator, source="La réponse")
    actions.accept_answer(user=author, post=answer)
    actions.set_locked(moderator=moderator, thread=recent, locked=True)
    actions.set_subscription(user=member, thread=welcome, level="follow")
    client = client_for(member)
    for thread in three:
        read(client, thread)
    shown = badges(club_page(client, welcome.club))
    assert shown == {
        "Bienvenue": ["épinglé", "suivi"],
        "Ancien fil": ["résolu"],
        "Fil récent": ["verrouillé"],
    }


def test_each_thread_says_how_many_messages_who_opened_it_and_who_wrote_last(
    three, author, moderator, member, make_post, client_for
):
    _welcome, old, _recent = three
    make_post(old, moderator, source="Réponse")
    response = club_page(client_for(member), old.club)
    item = next(
        i
        for i in html(response).select(".thread-item")
        if "Ancien fil" in words(i.select_one("h3"))
    )
    meta = words(item.select_one(".thread-item__meta"))
    assert meta.startswith(
        "2 messages · ouvert par Bruno Petit · dernier message de Nadia Lefèvre,"
    )
    assert item.select_one("time")["datetime"]


def test_a_thread_whose_only_message_is_deleted_says_aucun_message(
    club, author, member, make_thread, client_for
):
    thread = make_thread(club, author, title="Question retirée")
    actions.delete_post(user=author, post=thread.posts.get())
    response = club_page(client_for(member), club)
    meta = words(html(response).select_one(".thread-item__meta"))
    assert meta.startswith("Aucun message · ouvert par Bruno Petit")


# --- Filters ------------------------------------------------------------------------------------


@pytest.fixture
def varied(club, author, moderator, member, make_thread, make_post, client_for):
    """Four threads, each fitting one filter:
    - « Lu et résolu »: read by the member, answered and solved;
    - « Sans réponse »: only the question, never opened by the member;
    - « Suivi »: the member replied (and so follows it), then someone answered: unread;
    - « En sourdine »: answered, read, muted by the member."""
    client = client_for(member)
    solved = make_thread(club, author, title="Lu et résolu")
    answer = make_post(solved, moderator, source="La réponse")
    actions.accept_answer(user=author, post=answer)
    read(client, solved)
    make_thread(club, author, title="Sans réponse")
    followed = make_thread(club, author, title="Suivi")
    make_post(followed, member, source="Moi aussi je me pose la question.")
    make_post(followed, moderator, source="Voici.")
    muted = make_thread(club, author, title="En sourdine")
    make_post(muted, moderator, source="Réponse")
    read(client, muted)
    actions.set_subscription(user=member, thread=muted, level="mute")
    return client


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?filtre=non-lus", {"Sans réponse", "Suivi"}),
        ("?filtre=sans-reponse", {"Sans réponse"}),
        ("?filtre=resolus", {"Lu et résolu"}),
        ("?filtre=suivis", {"Suivi"}),
        ("", {"Lu et résolu", "Sans réponse", "Suivi", "En sourdine"}),
        ("?filtre=inconnu", {"Lu et résolu", "Sans réponse", "Suivi", "En sourdine"}),
        ("?filtre=", {"Lu et résolu", "Sans réponse", "Suivi", "En sourdine"}),
    ],
)
def test_each_filter_keeps_the_right_threads(varied, club, query, expected):
    assert ThreadSubscription.objects.filter(level="follow", thread__title="Suivi").exists()
    response = club_page(varied, club, query)
    assert response.status_code == 200
    assert set(listed(response)) == expected


@pytest.mark.parametrize(
    ("query", "current"),
    [
        ("", "Tous"),
        ("?filtre=non-lus", "Non lus"),
        ("?filtre=sans-reponse", "Sans réponse"),
        ("?filtre=resolus", "Résolus"),
        ("?filtre=suivis", "Suivis"),
        ("?filtre=inconnu", "Tous"),
    ],
)
def test_the_current_filter_is_marked(varied, club, query, current):
    nav = html(club_page(varied, club, query)).select_one("nav.filters")
    assert [words(a) for a in nav.select("a[aria-current=page]")] == [current]
    assert [a["href"] for a in nav.select("a")] == [
        "?",
        "?filtre=non-lus",
        "?filtre=sans-reponse",
        "?filtre=resolus",
        "?filtre=suivis",
    ]


def test_a_club_without_threads_invites_the_first_question(club, member, client_for):
    response = club_page(client_for(member), club)
    assert listed(response) == []
    assert words(html(response).select_one(".threads .empty-state")) == (
        "Aucun fil de discussion pour l'instant. Posez la première question !"
    )


def test_a_filter_without_match_says_so_and_links_to_all_threads(three, member, client_for):
    response = club_page(client_for(member), three[0].club, "?filtre=resolus")
    assert listed(response) == []
    empty = html(response).select_one(".threads .empty-state")
    assert words(empty) == "Aucun fil ne correspond à ce filtre. Voir tous les fils"
    assert empty.find("a")["href"] == "?"


# --- Pagination ---------------------------------------------------------------------------------


@pytest.fixture
def thirty_one(club, author):
    """31 threads without replies, « Fil 1 » the most recent, « Fil 31 » the oldest."""
    now = timezone.now()
    Thread.objects.bulk_create(
        Thread(
            club=club, author=author, title=f"Fil {n}", last_activity_at=now - timedelta(hours=n)
        )
        for n in range(1, 32)
    )


def test_the_list_shows_thirty_threads_a_page(thirty_one, club, member, client_for):
    client = client_for(member)
    first = club_page(client, club)
    assert listed(first) == [f"Fil {n}" for n in range(1, 31)]
    pagination = html(first).select_one("nav.pagination")
    assert "Page 1 sur 2" in words(pagination)
    assert pagination.find("a", rel="next")["href"] == "?page=2"
    assert pagination.find("a", rel="prev") is None
    second = club_page(client, club, "?page=2")
    assert listed(second) == ["Fil 31"]
    assert html(second).select_one("nav.pagination").find("a", rel="prev")["href"] == "?page=1"


def test_the_next_page_link_keeps_the_filter(thirty_one, club, member, client_for):
    client = client_for(member)
    first = club_page(client, club, "?filtre=sans-reponse")
    assert len(listed(first)) == 30
    next_link = html(first).select_one("nav.pagination").find("a", rel="next")
    assert next_link["href"] == "?filtre=sans-reponse&page=2"
    second = club_page(client, club, "?filtre=sans-reponse&page=2")
    assert listed(second) == ["Fil 31"]


@pytest.mark.parametrize(
    ("page", "expected_first"), [("abc", "Fil 1"), ("999", "Fil 31"), ("-1", "Fil 31")]
)
def test_an_odd_page_number_shows_a_page_rather_than_an_error(
    thirty_one, club, member, client_for, page, expected_first
):
    response = club_page(client_for(member), club, f"?page={page}")
    assert response.status_code == 200
    assert listed(response)[0] == expected_first


def test_thirty_threads_fit_on_one_page(club, author, member, client_for):
    Thread.objects.bulk_create(
        Thread(club=club, author=author, title=f"Fil {n}") for n in range(30)
    )
    response = club_page(client_for(member), club)
    assert len(listed(response)) == 30
    assert html(response).select_one("nav.pagination") is None


# --- New thread button --------------------------------------------------------------------------


def test_a_member_sees_the_new_thread_button(club, member, client_for):
    button = html(club_page(client_for(member), club)).find("a", string="Nouveau fil")
    assert button["href"] == reverse("messaging:new_thread", args=[club.slug])


def test_an_archived_club_hides_the_new_thread_button_but_keeps_its_threads(
    three, club, member, client_for
):
    club.archived = True
    club.save(update_fields=["archived"])
    response = club_page(client_for(member), club)
    assert response.status_code == 200
    assert html(response).find("a", string="Nouveau fil") is None
    assert listed(response) == ["Bienvenue", "Fil récent", "Ancien fil"]
    assert "Ce club est archivé" in words(html(response))


def test_a_listed_club_shows_no_thread_to_a_non_member(three, club, outsider, client_for):
    response = club_page(client_for(outsider), club)
    assert response.status_code == 200
    assert html(response).select_one("[data-thread-list]") is None
    assert "Ancien fil" not in response.content.decode()


# --- The list alone -----------------------------------------------------------------------------


def test_the_thread_list_address_returns_the_list_section_alone(three, club, member, client_for):
    response = client_for(member).get(
        reverse("messaging:thread_list", args=[club.slug]) + "?filtre=sans-reponse"
    )
    assert response.status_code == 200
    page = html(response)
    section = page.select_one("section[data-thread-list]")
    assert section["data-thread-list"] == f"club.{club.pk}"
    assert section["data-source"] == reverse("messaging:thread_list", args=[club.slug])
    assert page.find("html") is None
    assert page.find("main") is None
    assert set(listed(response)) == {"Bienvenue", "Ancien fil", "Fil récent"}


def test_the_thread_list_address_is_a_404_for_non_members(
    three, club, outsider, other_club_member, staff, client_for
):
    url = reverse("messaging:thread_list", args=[club.slug])
    for person in (outsider, other_club_member, staff):
        assert client_for(person).get(url).status_code == 404
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
