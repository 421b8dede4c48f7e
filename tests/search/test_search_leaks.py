"""A word written where a member may not read never reaches their results: not in a title, not in
a snippet, not in a count. And it does reach those who may read it."""

import pytest

from clubs import actions as club_actions
from clubs.models import Role, Visibility
from messaging import actions
from search.sources import Criteria, search

pytestmark = pytest.mark.django_db

MARKER = "zorglub"


def counts(user, text=MARKER) -> dict[str, int]:
    return {group.key: group.count for group in search(user, Criteria(text=text))}


def assert_nothing_for(search_page, user):
    response, text = search_page(user, q=MARKER)
    assert response.status_code == 200
    echoes = (f"« {MARKER} »", f'value="{MARKER}"', f"q={MARKER}")  # the query itself
    for echo in echoes:
        text = text.replace(echo, "")
    assert MARKER not in text.lower()
    assert "Aucun résultat dans vos clubs" in text
    assert counts(user) == {"fils": 0, "messages": 0, "guides": 0, "membres": 0}


def test_a_member_finds_a_post_of_their_club(search_page, member, author, club, make_thread):
    make_thread(club, author, title="Budget", source=f"Le mot {MARKER} est ici.")
    response, text = search_page(member, q=MARKER)
    assert counts(member) == {"fils": 0, "messages": 1, "guides": 0, "membres": 0}
    assert f"<mark>{MARKER}</mark>" in text


def test_a_secret_clubs_post_and_title_stay_in_the_secret_club(
    search_page, make_club, make_user, make_membership, make_thread, member
):
    secret = make_club("Référents RGPD", visibility=Visibility.SECRET)
    insider = make_user(display_name="Rita Secret")
    make_membership(insider, secret)
    make_thread(secret, insider, title=f"Dossier {MARKER}", source=f"Note {MARKER}.")
    assert_nothing_for(search_page, member)
    assert counts(insider) == {"fils": 1, "messages": 1, "guides": 0, "membres": 0}


def test_staff_do_not_read_a_clubs_content_through_search(
    search_page, staff, club, author, make_thread
):
    make_thread(club, author, title=f"Fil {MARKER}", source=f"Texte {MARKER}.")
    assert_nothing_for(search_page, staff)


def test_a_hidden_post_is_found_by_nobody_then_again_once_restored(
    search_page, member, author, moderator, club, make_thread, make_post
):
    thread = make_thread(club, author, title="Budget", source="Bonjour.")
    post = make_post(thread, author, source=f"Propos {MARKER} déplacé.")
    actions.hide_post(moderator=moderator, post=post, reason="Hors sujet")
    assert_nothing_for(search_page, member)
    assert counts(moderator)["messages"] == 0
    assert counts(author)["messages"] == 0
    actions.restore_post(moderator=moderator, post=post)
    assert counts(member)["messages"] == 1


def test_a_deleted_post_is_found_by_nobody(
    search_page, member, author, club, make_thread, make_post
):
    thread = make_thread(club, author, title="Budget", source="Bonjour.")
    post = make_post(thread, author, source=f"Propos {MARKER}.")
    actions.delete_post(user=author, post=post)
    assert_nothing_for(search_page, member)
    assert counts(author)["messages"] == 0


def test_an_edit_is_searchable_at_once_and_the_old_words_are_gone(
    member, author, club, make_thread
):
    thread = make_thread(club, author, title="Budget", source="Première version.")
    post = thread.posts.get()
    actions.edit_post(editor=author, post=post, source=f"Seconde version {MARKER}.")
    assert counts(member)["messages"] == 1
    assert counts(member, "Première")["messages"] == 0


def test_a_member_who_left_or_was_removed_finds_nothing_more(
    search_page, member, author, owner, club, make_thread
):
    make_thread(club, author, title=f"Fil {MARKER}", source=f"Texte {MARKER}.")
    assert counts(author)["fils"] == 1
    club_actions.leave_club(user=author, club=club)
    assert_nothing_for(search_page, author)
    membership = club.memberships.get(user=member)
    club_actions.remove_member(actor=owner, membership=membership)
    assert_nothing_for(search_page, member)


def test_a_banned_member_finds_nothing_more(search_page, member, owner, author, club, make_thread):
    make_thread(club, author, title=f"Fil {MARKER}", source=f"Texte {MARKER}.")
    club_actions.ban_member(actor=owner, club=club, user=member, reason="Abus")
    assert_nothing_for(search_page, member)


def test_a_name_is_found_only_by_co_members(
    search_page, make_user, make_membership, club, other_club, member, other_club_member
):
    person = make_user(display_name=f"Zoé {MARKER.capitalize()}")
    make_membership(person, other_club)
    assert_nothing_for(search_page, member)
    assert counts(other_club_member)["membres"] == 1
    make_membership(person, club, Role.MEMBER)
    response, text = search_page(member, q=MARKER)
    assert counts(member)["membres"] == 1
    assert f"<mark>{MARKER.capitalize()}</mark>" in text


def test_a_co_member_through_someone_elses_secret_club_stays_hidden(
    search_page, make_club, make_user, make_membership, member, other_club_member
):
    secret = make_club("Cellule de crise", visibility=Visibility.SECRET)
    person = make_user(display_name=f"Yves {MARKER}")
    make_membership(person, secret)
    make_membership(other_club_member, secret)
    assert_nothing_for(search_page, member)
    assert counts(other_club_member)["membres"] == 1


def test_a_deactivated_account_is_not_found(search_page, make_user, make_membership, club, member):
    person = make_user(display_name=f"Ana {MARKER}", is_active=False)
    make_membership(person, club)
    assert_nothing_for(search_page, member)


def test_an_archived_clubs_content_stays_searchable_by_its_members(
    member, author, owner, staff, club, make_thread
):
    make_thread(club, author, title=f"Fil {MARKER}", source=f"Texte {MARKER}.")
    club_actions.archive_club(actor=staff, club=club)
    assert counts(member)["messages"] == 1


def test_a_visitor_is_sent_to_the_login_page(client):
    response = client.get("/recherche/", {"q": MARKER})
    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]
