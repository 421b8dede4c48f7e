"""The directory (/annuaire/): the people who share an active club with me, and nobody else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pages import html, words

from clubs import actions as club_actions
from clubs.models import Ban, Membership, Role

pytestmark = pytest.mark.django_db

URL = reverse("member_directory")


def listed(client, **filters) -> list[str]:
    response = client.get(URL, filters)
    assert response.status_code == 200
    return sorted(words(h) for h in html(response).select(".member-list h3"))


@pytest.fixture
def viewer(member, member_client):
    """Claire Martin, member of « Secrétaires de mairie » (the `club`), logged in."""
    return member


# --- Who is listed: the permission matrix -------------------------------------------------------


def test_a_co_member_is_listed(viewer, member_client, author, moderator):
    assert listed(member_client) == ["Bruno Petit", "Nadia Lefèvre"]


def test_the_viewer_is_not_listed_in_their_own_directory(viewer, member_client):
    assert "Claire Martin" not in listed(member_client)


def test_a_member_of_another_club_only_is_never_listed(viewer, member_client, other_club_member):
    assert "Inès Archives" not in listed(member_client)
    assert listed(member_client, q="Inès") == []


def test_a_person_in_no_club_is_never_listed(viewer, member_client, outsider):
    assert "Paul Dehors" not in listed(member_client)


def test_a_deactivated_co_member_is_never_listed(viewer, member_client, author):
    author.is_active = False
    author.save()
    assert "Bruno Petit" not in listed(member_client)


def test_sharing_only_an_archived_club_is_not_enough(
    viewer, member_client, make_club, make_user, make_membership
):
    archived = make_club("Ancien club", archived=True)
    former = make_user(display_name="Ancienne Collègue")
    make_membership(viewer, archived)
    make_membership(former, archived)
    assert "Ancienne Collègue" not in listed(member_client)


def test_a_banned_member_is_not_listed_through_the_club_that_banned_them(
    viewer, member_client, club, owner, author, other_club, make_membership
):
    club_actions.ban_member(actor=owner, club=club, user=author, reason="Propos injurieux")
    assert "Bruno Petit" not in listed(member_client)
    # Through another club that both share, they are listed — under that club only.
    make_membership(viewer, other_club)
    make_membership(author, other_club)
    response = member_client.get(URL)
    card = html(response).find("a", string="Bruno Petit")
    clubs_line = words(card.find_parent("li").select_one(".meta"))
    assert clubs_line == "Archivistes (membre)"


def test_a_membership_row_left_beside_a_ban_does_not_list_the_person(
    viewer, member_client, club, author
):
    Ban.objects.create(user=author, club=club)
    assert Membership.objects.filter(user=author, club=club).exists()
    assert "Bruno Petit" not in listed(member_client)


def test_a_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_member_without_club_sees_an_invitation_to_join_one(outsider, client_for):
    response = client_for(outsider).get(URL)
    assert "Rejoignez un club" in response.content.decode()


# --- Filters ------------------------------------------------------------------------------------


@pytest.fixture
def two_clubs(viewer, club, other_club, author, moderator, make_user, make_membership):
    """Claire is in both clubs; Bruno (Drôme, Mairie de Crest) and Nadia (moderator, Ardèche)
    in the first; Inès (Drôme, Département de la Drôme) in the second."""
    make_membership(viewer, other_club)
    ines = make_user(display_name="Inès Archives")
    make_membership(ines, other_club)
    for user, departement, organisation in [
        (author, "26", "Mairie de Crest"),
        (moderator, "07", "Mairie de Privas"),
        (ines, "26", "Département de la Drôme"),
    ]:
        user.profile.departement = departement
        user.profile.organisation = organisation
        user.profile.save()
    return ines


def test_filter_by_club(two_clubs, member_client, other_club):
    assert listed(member_client, club=other_club.slug) == ["Inès Archives"]


def test_a_club_i_am_not_in_is_not_a_filter(
    viewer, member_client, make_club, make_user, make_membership
):
    theirs = make_club("Acheteurs publics", slug="acheteurs")
    make_membership(make_user(display_name="Sophie Achats"), theirs)
    response = member_client.get(URL, {"club": "acheteurs"})
    assert response.context["form"].errors["club"]
    assert "Sophie Achats" not in listed(member_client, club="acheteurs")


def test_filter_by_departement_organisation_role_and_name(two_clubs, member_client):
    assert listed(member_client, departement="26") == ["Bruno Petit", "Inès Archives"]
    assert listed(member_client, organisation="mairie") == ["Bruno Petit", "Nadia Lefèvre"]
    assert listed(member_client, role=Role.MODERATOR) == ["Nadia Lefèvre"]
    assert listed(member_client, q="petit") == ["Bruno Petit"]
    assert listed(member_client, q="bruno petit", departement="07") == []


def test_no_result_says_so(two_clubs, member_client):
    response = member_client.get(URL, {"q": "Personne de ce nom"})
    text = response.content.decode()
    assert "Personne ne correspond à ces critères." in text
    assert "Aucun membre" in text and "0 membre" not in text


def test_the_count_of_people_is_singular_for_one(two_clubs, member_client):
    text = member_client.get(URL, {"q": "petit"}).content.decode()
    assert "1 membre<" in text and "1 membres" not in text


@pytest.mark.parametrize(
    "query, person",
    [
        ("lefevre", "Nadia Lefèvre"),
        ("LEFÈVRE", "Nadia Lefèvre"),
        ("nadia lefevre", "Nadia Lefèvre"),
        ("etienne", "Étienne Dupré"),
        ("ETIENNE dupre", "Étienne Dupré"),
        ("Inès", "Inès Archives"),
        ("ines", "Inès Archives"),
    ],
)
def test_names_are_found_whatever_their_accents_and_case(
    two_clubs, member_client, club, make_user, make_membership, query, person
):
    make_membership(make_user(first_name="Étienne", last_name="Dupré"), club)
    assert listed(member_client, q=query) == [person]


def test_the_organisation_is_found_whatever_its_accents_and_case(two_clubs, member_client):
    assert listed(member_client, organisation="departement de la drome") == ["Inès Archives"]
    assert listed(member_client, organisation="DRÔME") == ["Inès Archives"]


def test_the_directory_is_paginated(viewer, member_client, club, make_user, make_membership):
    for n in range(35):
        make_membership(make_user(display_name=f"Membre {n:02d}"), club)
    assert len(listed(member_client)) == 30
    assert len(listed(member_client, page=2)) == 5


# --- Cost ---------------------------------------------------------------------------------------


def queries_for(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_directory_costs_the_same_for_5_and_25_people(
    viewer, member_client, club, other_club, make_user, make_membership
):
    make_membership(viewer, other_club)

    def add(count):
        for n in range(count):
            person = make_user()
            make_membership(person, club)
            if n % 2:
                make_membership(person, other_club, Role.MODERATOR)

    add(5)
    small = queries_for(member_client)
    add(20)
    assert queries_for(member_client) == small
