"""Guides in the search: found by the members of their audience, never by anyone else — not in
a title, a snippet or a count — and only in their published version."""

import pytest

from search.sources import Criteria, search

pytestmark = pytest.mark.django_db

MARKER = "zorglub"
BODY = [("rich_text", f"<p>Le tableau {MARKER} se remplit en janvier.</p>")]


def guide_count(user, text=MARKER, **criteria) -> int:
    groups = search(user, Criteria(text=text, **criteria))
    return next(group.count for group in groups if group.key == "guides")


def test_a_guide_for_every_member_is_found_by_its_body_with_a_marked_snippet(
    search_page, member, make_guide
):
    make_guide("Préparer le budget primitif", body=BODY)
    response, text = search_page(member, q=MARKER)
    assert guide_count(member) == 1
    assert f"<mark>{MARKER}</mark>" in text
    assert "Préparer le budget primitif" in text
    assert "/guides/" in text


def test_a_guide_is_found_by_its_title_accents_and_case_ignored(member, make_guide):
    make_guide("Délibération budgétaire")
    assert guide_count(member, "DELIBERATION") == 1


def test_a_guide_for_another_club_reaches_neither_titles_snippets_nor_counts(
    search_page, member, other_club, other_club_member, make_guide
):
    make_guide(f"Guide {MARKER}", audience=[other_club], body=BODY)
    response, text = search_page(member, q=MARKER)
    for echo in (f"« {MARKER} »", f'value="{MARKER}"', f"q={MARKER}"):
        text = text.replace(echo, "")
    assert MARKER not in text.lower()
    assert guide_count(member) == 0
    assert guide_count(other_club_member) == 1


def test_staff_find_every_guide(staff, other_club, make_guide):
    make_guide(f"Guide {MARKER}", audience=[other_club])
    assert guide_count(staff) == 1


def test_an_unpublished_guide_is_found_by_nobody(member, staff, make_guide):
    make_guide(f"Guide {MARKER}", body=BODY, live=False)
    assert guide_count(member) == 0
    assert guide_count(staff) == 0


def test_a_draft_change_is_not_searched_until_it_is_published(member, make_guide):
    guide = make_guide("Préparer le budget primitif")
    guide.intro = f"Nouveau chapeau {MARKER}"
    revision = guide.save_revision()
    assert guide_count(member) == 0
    revision.publish()
    assert guide_count(member) == 1


def test_the_club_filter_keeps_the_guides_aimed_at_that_club(
    member, club, other_club, make_membership, make_guide
):
    make_membership(member, other_club)
    make_guide(f"Pour le club {MARKER}", audience=[club])
    make_guide(f"Pour tous {MARKER}")
    assert guide_count(member) == 2
    assert guide_count(member, club=club) == 1
    assert guide_count(member, club=other_club) == 0


def test_the_guide_type_filter_lists_only_guides(search_page, member, make_guide):
    make_guide(f"Guide {MARKER}")
    response, text = search_page(member, q=MARKER, type="guides")
    assert response.status_code == 200
    assert f"Guide <mark>{MARKER}</mark>" in text


def test_french_stemming_applies_to_guides(member, make_guide):
    make_guide("Question", body=[("rich_text", "<p>Le marché est attribué.</p>")])
    assert guide_count(member, "marchés") == 1
    assert guide_count(member, "attribuer") == 1
