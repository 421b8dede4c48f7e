"""The GIP staff's pages for clubs, through real HTTP requests: list, create, edit, name an owner,
archive and reopen — and nobody else may reach them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pages import markup, shown_messages

from clubs.models import (
    Club,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    Profession,
    Role,
    Visibility,
)

pytestmark = pytest.mark.django_db

Kind = MembershipEvent.Kind


def club_data(**overrides) -> dict:
    data = {
        "name": "Archivistes de Bretagne",
        "profession": Profession.ARCHIVISTE,
        "description": "Pour les archivistes des communes bretonnes.",
        "visibility": Visibility.LISTED,
    }
    data.update(overrides)
    return data


# --- Who may reach them -------------------------------------------------------------------------


def staff_urls(club):
    return [
        ("get", reverse("clubs:staff_list"), {}),
        ("get", reverse("clubs:staff_create"), {}),
        ("post", reverse("clubs:staff_create"), club_data()),
        ("get", reverse("clubs:staff_edit", args=[club.slug]), {}),
        ("post", reverse("clubs:staff_edit", args=[club.slug]), club_data(name="Piraté")),
        ("post", reverse("clubs:staff_owner", args=[club.slug]), {"owner_email": "x@mairie.fr"}),
        ("get", reverse("clubs:staff_archive", args=[club.slug]), {}),
        ("post", reverse("clubs:staff_archive", args=[club.slug]), {"archive": "1"}),
    ]


@pytest.mark.parametrize("who", ["owner", "moderator", "member", "outsider"])
def test_everyone_but_staff_gets_403_on_every_staff_page_and_nothing_changes(
    request, client_for, club, make_user, who
):
    client = client_for(request.getfixturevalue(who))
    make_user("x@mairie.fr")
    before = (
        list(Club.objects.values_list("pk", "name", "archived")),
        sorted(Membership.objects.values_list("user_id", "club_id", "role")),
    )
    for method, path, data in staff_urls(club):
        response = getattr(client, method)(path, data)
        assert response.status_code == 403, (method, path)
    after = (
        list(Club.objects.values_list("pk", "name", "archived")),
        sorted(Membership.objects.values_list("user_id", "club_id", "role")),
    )
    assert after == before


def test_an_inactive_staff_account_is_not_staff(client_for, make_user, club):
    former = make_user("ancien@gip.fr", is_staff=True)
    client = client_for(former)
    former.is_active = False
    former.save()
    response = client.get(reverse("clubs:staff_list"))
    assert response.status_code in (302, 403)
    assert response.status_code != 200


def test_an_anonymous_visitor_is_sent_to_log_in(client, club):
    for method, path, data in staff_urls(club):
        response = getattr(client, method)(path, data)
        assert response.status_code == 302, (method, path)
        assert response.url.startswith(reverse("account_login"))
    assert not Club.objects.exclude(pk=club.pk).exists()


# --- List ---------------------------------------------------------------------------------------


def test_staff_see_every_club_with_its_members_and_state(
    client_for, staff, club, member, owner, make_club
):
    make_club("Club secret", visibility=Visibility.SECRET)
    make_club("Ancien club", archived=True)
    response = client_for(staff).get(reverse("clubs:staff_list"))
    assert response.status_code == 200
    page = markup(response)
    for name in ("Secrétaires de mairie", "Club secret", "Ancien club"):
        assert name in page
    assert reverse("clubs:staff_edit", args=[club.slug]) in page
    assert "<td>2</td>" in page
    assert "archivé" in page
    assert "Secret" in page
    # Open clubs first, archived ones last.
    assert page.index("Secrétaires de mairie") < page.index("Ancien club")


def test_the_staff_list_says_when_there_is_no_club(client_for, staff):
    page = markup(client_for(staff).get(reverse("clubs:staff_list")))
    assert "Aucun club pour l'instant : créez le premier." in page


def test_the_staff_list_query_count_does_not_grow_with_the_clubs(
    client_for, staff, make_club, make_user, make_membership
):
    client = client_for(staff)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("clubs:staff_list")).status_code == 200
        return len(captured)

    def add(n):
        for _ in range(n):
            make_membership(make_user(), make_club())

    add(2)
    small = count()
    add(10)
    assert count() == small


@pytest.mark.parametrize("page", ["abc", "999", "-3"])
def test_a_strange_page_number_does_not_break_the_staff_list(client_for, staff, club, page):
    response = client_for(staff).get(reverse("clubs:staff_list"), {"page": page})
    assert response.status_code == 200
    assert "Secrétaires de mairie" in markup(response)


# --- Create -------------------------------------------------------------------------------------


def test_the_creation_form_is_shown_to_staff(client_for, staff):
    response = client_for(staff).get(reverse("clubs:staff_create"))
    assert response.status_code == 200
    page = markup(response)
    assert "<h1>Créer un club</h1>" in page
    assert 'name="name"' in page
    assert re.search(r'<input type="radio" name="visibility" value="listed"[^>]* checked>', page)


def test_staff_create_a_club_and_are_sent_to_its_page_to_name_an_owner(client_for, staff):
    response = client_for(staff).post(reverse("clubs:staff_create"), club_data(), follow=True)
    club = Club.objects.get()
    assert club.slug == "archivistes-de-bretagne"
    assert response.redirect_chain == [(reverse("clubs:staff_edit", args=[club.slug]), 302)]
    assert (
        "Club « Archivistes de Bretagne » créé. Nommez maintenant son ou sa propriétaire."
        in markup(response)
    )
    assert club.name == "Archivistes de Bretagne"
    assert club.profession == Profession.ARCHIVISTE
    assert club.description == "Pour les archivistes des communes bretonnes."
    assert club.visibility == Visibility.LISTED
    assert club.created_by == staff
    assert not club.archived
    assert club.events.filter(kind=Kind.CLUB_CREATED, actor=staff).exists()
    assert "Ce club n'a pas encore de propriétaire." in markup(response)


def test_a_second_club_with_the_same_name_gets_its_own_slug(client_for, staff):
    client = client_for(staff)
    client.post(reverse("clubs:staff_create"), club_data())
    response = client.post(reverse("clubs:staff_create"), club_data(visibility="secret"))
    assert response.status_code == 302
    assert sorted(Club.objects.values_list("slug", flat=True)) == [
        "archivistes-de-bretagne",
        "archivistes-de-bretagne-2",
    ]
    assert response.url == reverse("clubs:staff_edit", args=["archivistes-de-bretagne-2"])


def test_a_name_without_letters_still_gets_a_slug(client_for, staff):
    response = client_for(staff).post(reverse("clubs:staff_create"), club_data(name="!!!"))
    assert response.status_code == 302
    assert Club.objects.get().slug == "club"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (club_data(name=""), "Champ requis."),
        (club_data(name="   "), "Champ requis."),
        (club_data(name="x" * 121), "au plus 120 caractères"),
        (club_data(profession="astronaute"), "Sélectionnez un choix valide"),
        (club_data(visibility="public"), "Sélectionnez un choix valide"),
        ({}, "Champ requis."),
    ],
    ids=["empty-name", "blank-name", "long-name", "profession", "visibility", "nothing"],
)
def test_an_invalid_club_is_shown_again_with_its_errors(client_for, staff, data, error):
    response = client_for(staff).post(reverse("clubs:staff_create"), data)
    assert response.status_code == 200
    page = markup(response)
    assert "Le formulaire contient des erreurs" in page
    assert error in page
    assert not Club.objects.exists()


# --- Edit ---------------------------------------------------------------------------------------


def test_the_edit_page_shows_the_club_and_its_owners(client_for, staff, club, owner):
    club.description = "Entraide."
    club.save()
    response = client_for(staff).get(reverse("clubs:staff_edit", args=[club.slug]))
    assert response.status_code == 200
    page = markup(response)
    assert "Club « Secrétaires de mairie »" in page
    assert 'value="Secrétaires de mairie"' in page
    assert "Entraide.</textarea>" in page
    assert "Odile Propriétaire" in page
    assert "proprietaire@mairie.fr" in page
    assert reverse("clubs:staff_owner", args=[club.slug]) in page
    assert "Archiver ce club…" in page


def test_staff_edit_a_club_and_its_address_does_not_change(client_for, staff, club):
    response = client_for(staff).post(
        reverse("clubs:staff_edit", args=[club.slug]),
        club_data(name="Secrétaires de mairie du Finistère", visibility=Visibility.SECRET),
        follow=True,
    )
    assert response.redirect_chain == [(reverse("clubs:staff_edit", args=[club.slug]), 302)]
    assert "Club « Secrétaires de mairie du Finistère » enregistré." in markup(response)
    club.refresh_from_db()
    assert club.name == "Secrétaires de mairie du Finistère"
    assert club.slug == "secretaires-de-mairie"
    assert club.visibility == Visibility.SECRET
    assert club.profession == Profession.ARCHIVISTE
    assert club.events.filter(kind=Kind.CLUB_UPDATED, actor=staff).exists()


def test_an_invalid_edit_is_shown_again_with_its_errors_and_nothing_changes(
    client_for, staff, club, owner
):
    response = client_for(staff).post(
        reverse("clubs:staff_edit", args=[club.slug]), club_data(name="")
    )
    assert response.status_code == 200
    page = markup(response)
    assert "Champ requis." in page
    assert "Odile Propriétaire" in page
    club.refresh_from_db()
    assert club.name == "Secrétaires de mairie"


def test_editing_an_unknown_club_is_404(client_for, staff):
    client = client_for(staff)
    assert client.get(reverse("clubs:staff_edit", args=["inconnu"])).status_code == 404
    assert (
        client.post(reverse("clubs:staff_edit", args=["inconnu"]), club_data()).status_code == 404
    )


# --- Naming an owner ----------------------------------------------------------------------------


def test_staff_name_an_owner_by_the_address_of_an_existing_account(
    client_for, staff, club, make_user
):
    future = make_user("nouvelle.proprietaire@mairie.fr", display_name="Inès Morel")
    response = client_for(staff).post(
        reverse("clubs:staff_owner", args=[club.slug]),
        {"owner_email": "  Nouvelle.Proprietaire@Mairie.fr "},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("clubs:staff_edit", args=[club.slug]), 302)]
    assert "Inès Morel est propriétaire du club." in markup(response)
    assert Membership.objects.get(user=future, club=club).role == Role.OWNER
    assert club.events.filter(kind=Kind.OWNER_NAMED, target_user=future).exists()
    assert "nouvelle.proprietaire@mairie.fr" in markup(response)


def test_naming_a_member_owner_promotes_them(client_for, staff, club, member):
    response = client_for(staff).post(
        reverse("clubs:staff_owner", args=[club.slug]), {"owner_email": "membre@mairie.fr"}
    )
    assert shown_messages(response) == ["Claire Martin est propriétaire du club."]
    assert Membership.objects.get(user=member, club=club).role == Role.OWNER


NO_ACCOUNT = (
    "Aucun compte n'a cette adresse. Invitez la personne comme propriétaire depuis "
    "la page des invitations du club."
)


@pytest.mark.parametrize("address", ["inconnue@mairie.fr", "pas-une-adresse", "", "a" * 300])
def test_an_address_without_account_gives_a_french_message_and_nothing_changes(
    client_for, staff, club, address
):
    response = client_for(staff).post(
        reverse("clubs:staff_owner", args=[club.slug]), {"owner_email": address}
    )
    assert response.status_code == 302
    assert shown_messages(response) == [NO_ACCOUNT]
    assert not Membership.objects.filter(club=club).exists()
    assert not club.events.filter(kind=Kind.OWNER_NAMED).exists()


def test_naming_someone_already_owner_says_so(client_for, staff, club, owner):
    response = client_for(staff).post(
        reverse("clubs:staff_owner", args=[club.slug]), {"owner_email": "proprietaire@mairie.fr"}
    )
    assert shown_messages(response) == ["Cette personne est déjà propriétaire du club."]
    assert Membership.objects.filter(club=club, role=Role.OWNER).count() == 1


def test_a_banned_person_cannot_be_named_owner(client_for, staff, club, outsider, make_ban):
    make_ban(outsider, club)
    response = client_for(staff).post(
        reverse("clubs:staff_owner", args=[club.slug]), {"owner_email": "exterieur@mairie.fr"}
    )
    assert shown_messages(response) == ["Cette personne est exclue du club."]
    assert not Membership.objects.filter(user=outsider).exists()


def test_naming_an_owner_needs_a_post_and_a_known_club(client_for, staff):
    client = client_for(staff)
    assert client.get(reverse("clubs:staff_owner", args=["inconnu"])).status_code == 405
    response = client.post(
        reverse("clubs:staff_owner", args=["inconnu"]), {"owner_email": "a@mairie.fr"}
    )
    assert response.status_code == 404


# --- Archiving ----------------------------------------------------------------------------------


def test_archiving_asks_for_confirmation_first(client_for, staff, club):
    response = client_for(staff).get(reverse("clubs:staff_archive", args=[club.slug]))
    assert response.status_code == 200
    page = markup(response)
    assert "Archiver le club « Secrétaires de mairie » ?" in page
    assert 'name="archive" value="1"' in page
    club.refresh_from_db()
    assert not club.archived


def test_staff_archive_a_club_which_closes_its_invitations_and_requests(
    client_for, staff, club, member, outsider, make_invitation, make_join_request
):
    invitation, _raw = make_invitation(club, "invitee@mairie.fr")
    join_request = make_join_request(outsider, club)
    response = client_for(staff).post(
        reverse("clubs:staff_archive", args=[club.slug]), {"archive": "1"}, follow=True
    )
    assert response.redirect_chain == [(reverse("clubs:staff_list"), 302)]
    assert (
        "Club « Secrétaires de mairie » archivé : son contenu reste lisible par ses membres."
        in markup(response)
    )
    club.refresh_from_db()
    assert club.archived
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    assert JoinRequest.objects.get(pk=join_request.pk).status == JoinRequest.Status.REFUSED
    assert Membership.objects.filter(user=member, club=club).exists()
    assert club.events.filter(kind=Kind.CLUB_ARCHIVED, actor=staff).exists()


def test_staff_reopen_an_archived_club_after_confirmation(client_for, staff, club):
    club.archived = True
    club.save()
    client = client_for(staff)
    confirm = markup(client.get(reverse("clubs:staff_archive", args=[club.slug])))
    assert "Rouvrir le club « Secrétaires de mairie » ?" in confirm
    assert 'name="archive" value="0"' in confirm
    response = client.post(
        reverse("clubs:staff_archive", args=[club.slug]), {"archive": "0"}, follow=True
    )
    assert "Club « Secrétaires de mairie » rouvert." in markup(response)
    club.refresh_from_db()
    assert not club.archived
    assert club.events.filter(kind=Kind.CLUB_UNARCHIVED, actor=staff).exists()


def test_archiving_twice_does_not_reopen_the_club(client_for, staff, club):
    client = client_for(staff)
    path = reverse("clubs:staff_archive", args=[club.slug])
    client.post(path, {"archive": "1"}, follow=True)
    response = client.post(path, {"archive": "1"})
    assert shown_messages(response) == ["Ce club est déjà archivé."]
    club.refresh_from_db()
    assert club.archived


def test_reopening_twice_does_not_archive_the_club(client_for, staff, club):
    response = client_for(staff).post(
        reverse("clubs:staff_archive", args=[club.slug]), {"archive": "0"}
    )
    assert shown_messages(response) == ["Ce club n'est pas archivé."]
    club.refresh_from_db()
    assert not club.archived


def test_archiving_an_unknown_club_is_404(client_for, staff):
    client = client_for(staff)
    assert client.get(reverse("clubs:staff_archive", args=["inconnu"])).status_code == 404
    assert client.post(reverse("clubs:staff_archive", args=["inconnu"])).status_code == 404
