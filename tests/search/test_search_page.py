"""The search page: its states, filters, words (accents, case, stemming), snippets and bad input."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from messaging.models import Post, Thread
from search.sources import Criteria, highlight, marked, search

pytestmark = pytest.mark.django_db


def found(user, text, **criteria) -> dict[str, int]:
    return {g.key: g.count for g in search(user, Criteria(text=text, **criteria))}


def test_without_words_the_page_explains_what_it_searches(search_page, member):
    response, text = search_page(member)
    assert response.status_code == 200
    assert 'role="search"' in text
    assert "Tapez un ou plusieurs mots" in text
    assert "résultats pour" not in text


def test_results_are_grouped_with_counts_and_marked(
    search_page, member, author, club, make_thread, make_post
):
    thread = make_thread(club, author, title="Marché de travaux", source="Premier message.")
    make_post(thread, author, source="Un MAPA de travaux pour la voirie.")
    response, text = search_page(member, q="travaux")
    assert response.status_code == 200
    assert "2 résultats pour « travaux »" in text
    assert "Fils de discussion (1)" in text and "Messages (1)" in text
    assert "<mark>travaux</mark>" in text
    assert 'role="status"' in text


def test_snippets_show_the_words_of_a_post_without_its_markdown_marks(
    search_page, member, author, club, make_thread, make_post
):
    thread = make_thread(club, author, title="Cantine", source="Premier message.")
    make_post(
        thread,
        author,
        source="Le **tarif** passe à `3,20 €` : voir [la délibération](https://example.org).",
    )
    response, text = search_page(member, q="tarif", type="messages")
    snippet = BeautifulSoup(text, "html.parser").find("mark").parent.get_text(" ", strip=True)
    assert "tarif passe à 3,20 € : voir la délibération" in " ".join(snippet.split())
    assert "**" not in snippet and "`" not in snippet and "](" not in snippet


def test_accents_and_case_are_ignored(member, author, club, make_thread):
    make_thread(club, author, title="Délibération du conseil", source="Une DÉLIBÉRATION votée.")
    assert found(member, "deliberation") == {"fils": 1, "messages": 1, "guides": 0, "membres": 0}
    assert found(member, "DELIBÉRATION")["messages"] == 1


def test_a_member_name_is_found_without_its_accents(search_page, member, moderator):
    assert found(member, "lefevre")["membres"] == 1
    response, text = search_page(member, q="nadia")
    assert "<mark>Nadia</mark> Lefèvre" in text


def test_french_stemming_finds_other_forms_of_a_word(member, author, club, make_thread):
    make_thread(club, author, title="Question", source="Les marchés publics sont attribués.")
    assert found(member, "marché")["messages"] == 1
    assert found(member, "attribuer")["messages"] == 1
    # Whole words in their French forms, not any text that contains the letters.
    assert found(member, "publi")["messages"] == 0
    assert found(member, "marchand")["messages"] == 0


def test_the_club_filter_keeps_one_club(
    search_page, member, author, club, other_club, make_membership, make_thread
):
    make_membership(member, other_club)
    make_membership(author, other_club)
    make_thread(club, author, title="Budget ici", source="Texte.")
    make_thread(other_club, author, title="Budget là", source="Texte.")
    assert found(member, "budget")["fils"] == 2
    assert found(member, "budget", club=other_club)["fils"] == 1
    response, text = search_page(member, q="budget", club=other_club.slug)
    assert "<mark>Budget</mark> là" in text and "<mark>Budget</mark> ici" not in text


def test_the_club_filter_offers_only_my_clubs_and_refuses_others(search_page, member, make_club):
    elsewhere = make_club("Club des autres")
    response, text = search_page(member, q="budget", club=elsewhere.slug)
    assert response.status_code == 200
    assert "Ce club ne fait pas partie des vôtres." in text
    assert "Club des autres" not in text
    assert "résultats pour" not in text


def test_the_type_filter_shows_one_type_and_still_counts_the_others(
    search_page, member, author, club, make_thread
):
    make_thread(club, author, title="Budget", source="Le budget.")
    response, text = search_page(member, q="budget", type="messages")
    assert "Messages (1)" in text and "Fils de discussion (1)" in text
    assert 'id="groupe-messages"' in text and 'id="groupe-fils"' not in text


def test_the_period_filter_leaves_out_older_posts(member, author, club, make_thread, search_page):
    old = make_thread(club, author, title="Ancien", source="Inventaire ancien.")
    long_ago = timezone.now() - timedelta(days=40)
    Post.objects.filter(thread=old).update(created_at=long_ago)
    Thread.objects.filter(pk=old.pk).update(created_at=long_ago)
    make_thread(club, author, title="Récent", source="Inventaire récent.")
    assert found(member, "inventaire")["messages"] == 2
    week = timezone.now() - timedelta(days=7)
    assert found(member, "inventaire", since=week)["messages"] == 1
    response, text = search_page(member, q="inventaire", periode="30j")
    assert "Messages (1)" in text
    response, text = search_page(member, q="inventaire", periode="1an")
    assert "Messages (2)" in text


def test_results_of_one_type_are_paginated(search_page, member, author, club, make_thread):
    thread = make_thread(club, author, title="Fil", source="Réponse numéro 0.")
    for n in range(1, 25):
        Post.objects.create(thread=thread, author=author, source=f"Réponse numéro {n}.", html="")
    response, text = search_page(member, q="réponse", type="messages")
    assert "Page 1 sur 2" in text
    response, text = search_page(member, q="réponse", type="messages", page="2")
    assert "Page 2 sur 2" in text
    assert text.count('class="search-result"') == 5
    response, text = search_page(member, q="réponse", type="messages", page="n'importe quoi")
    assert response.status_code == 200 and "Page 1 sur 2" in text


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "x" * 201}, "La recherche est trop longue (200 caractères au plus)."),
        ({"q": "?!… — ;"}, "Tapez au moins un mot de deux lettres"),
        ({"q": "a"}, "Tapez au moins un mot de deux lettres"),
        (
            {"q": " ".join(f"mot{n}" for n in range(13))},
            "La recherche compte trop de mots (12 au plus).",
        ),
        ({"q": "budget", "type": "guides-secrets"}, "Ce type de résultat n'existe pas."),
        ({"q": "budget", "periode": "1970-01-01"}, "Cette période n'existe pas."),
        ({"q": "budget", "club": "../../etc"}, "Ce club ne fait pas partie des vôtres."),
    ],
)
def test_bad_input_gets_a_french_message(search_page, member, params, message):
    response, text = search_page(member, **params)
    assert response.status_code == 200
    assert message.replace("'", "&#x27;") in text
    assert "résultats pour" not in text


def test_search_syntax_and_stop_words_are_plain_words(
    search_page, member, author, club, make_thread
):
    make_thread(club, author, title="Budget", source="Le budget & les « comptes ».")
    for query in ['"budget', "budget & | !comptes", "le la les", "budget:*", "'); DROP TABLE"]:
        response, _text = search_page(member, q=query)
        assert response.status_code == 200


def test_snippets_escape_member_text_before_marking(search_page, member, author, club, make_thread):
    make_thread(
        club,
        author,
        title="<script>alert(1)</script> budget",
        source="<img src=x onerror=alert(1)> budget \ue000forgé\ue001 `<b>`",
    )
    response, text = search_page(member, q="budget")
    # Escaped (SQLite) or left out by ts_headline (PostgreSQL), never as markup.
    assert "<script>alert(1)" not in text and "<img src=x" not in text
    assert "<mark>forgé" not in text and "<mark>budget</mark>" in text


def test_highlight_marks_whole_words_and_cuts_long_texts():
    text = "début " * 60 + "La Délibération du conseil " + "fin " * 100
    snippet = highlight(text, Criteria(text="délibérations").has_stem_of, whole=False)
    assert str(marked(snippet)).count("<mark>Délibération</mark>") == 1
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < 300


def test_a_snippet_shows_the_words_of_a_post_not_its_markdown(
    search_page, member, author, club, make_thread
):
    source = (
        "## Tarif\n\n> Le tarif est de **3,20 €** par _repas_, "
        "voir [la délibération](https://exemple.fr).\n\n- `cantine`"
    )
    make_thread(club, author, title="Question", source=source)
    response, text = search_page(member, q="tarif")
    snippet = BeautifulSoup(text, "html.parser").select_one(".search-result__snippet")
    words = snippet.get_text()
    for mark in ("**", "##", ">", "_repas", "](", "`"):
        assert mark not in words
    assert "3,20 € par repas, voir la délibération" in words
    assert snippet.find("mark").get_text() == "Tarif"
