"""The members' pages of clubs, through real HTTP requests: directory, club page, join requests,
members list, leaving a club, and the dashboard."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pages import markup, shown_messages

from clubs.models import JoinRequest, Membership, MembershipEvent, Role, Visibility

pytestmark = pytest.mark.django_db

Kind = MembershipEvent.Kind


def section(page: str, heading_id: str) -> str:
    """The text of the <section> labelled by the heading with this id."""
    match = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', page, re.S)
    assert match, f"no section {heading_id}"
    return match.group(0)


# --- Directory ----------------------------------------------------------------------------------


def test_the_directory_lists_listed_active_clubs_but_not_secret_or_archived_ones(
    client_for, outsider, make_club
):
    make_club("Archivistes", description="Pour les archivistes des communes.")
    make_club("Club secret des élus", visibility=Visibility.SECRET)
    make_club("Ancien club", archived=True)
    page = markup(client_for(outsider).get(reverse("clubs:directory")))
    directory = section(page, "annuaire")
    assert "Archivistes" in directory
    assert "Pour les archivistes des communes." in directory
    assert "Club secret des élus" not in page
    assert "Ancien club" not in page


def test_the_directory_shows_my_clubs_with_my_role_including_a_secret_one(
    client_for, member, club, make_club, make_membership
):
    secret = make_club("Cercle des acheteurs", visibility=Visibility.SECRET)
    make_membership(member, secret, Role.MODERATOR)
    page = markup(client_for(member).get(reverse("clubs:directory")))
    mine = section(page, "mes-clubs")
    assert "Secrétaires de mairie" in mine
    assert "Membre" in mine
    assert "Cercle des acheteurs" in mine
    assert "Modérateur·rice" in mine
    # The secret club stays out of the public directory, even for its members.
    assert "Cercle des acheteurs" not in section(page, "annuaire")


def test_the_directory_marks_my_clubs_and_my_pending_requests(
    client_for, member, club, make_club, make_join_request
):
    other = make_club("Archivistes")
    make_join_request(member, other)
    directory = section(markup(client_for(member).get(reverse("clubs:directory"))), "annuaire")
    assert "vous en êtes membre" in directory
    assert "demande en attente" in directory


def test_an_archived_club_i_belong_to_is_in_my_clubs_marked_archived(
    client_for, member, club, make_club, make_membership
):
    old = make_club("Ancien club", archived=True)
    make_membership(member, old)
    page = markup(client_for(member).get(reverse("clubs:directory")))
    mine = section(page, "mes-clubs")
    assert "Ancien club" in mine
    assert "archivé" in mine
    assert "Ancien club" not in section(page, "annuaire")


def test_the_directory_shows_empty_states_when_there_is_nothing(client_for, outsider):
    response = client_for(outsider).get(reverse("clubs:directory"))
    assert response.status_code == 200
    page = markup(response)
    assert "Vous ne faites encore partie d'aucun club." in page
    assert "Aucun club n'est encore ouvert aux demandes." in page


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, club):
    response = client.get(reverse("clubs:directory"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_directory_query_count_does_not_grow_with_the_clubs(
    client_for, outsider, make_club, make_membership, make_user
):
    client = client_for(outsider)

    def add_clubs(n):
        for _ in range(n):
            listed = make_club()
            make_membership(make_user(), listed)
            make_membership(outsider, make_club(visibility=Visibility.SECRET))

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("clubs:directory")).status_code == 200
        return len(captured)

    add_clubs(2)
    small = count()
    add_clubs(8)
    assert count() == small


# --- Club page ----------------------------------------------------------------------------------


def test_a_member_sees_the_club_page_with_description_role_and_leave_link(client_for, member, club):
    club.description = "Entraide entre secrétaires de mairie."
    club.save()
    response = client_for(member).get(reverse("clubs:detail", args=[club.slug]))
    assert response.status_code == 200
    page = markup(response)
    assert "<h1>Secrétaires de mairie</h1>" in page
    assert "Entraide entre secrétaires de mairie." in page
    assert "vous êtes membre" in page
    assert "Quitter le club" in page
    assert reverse("clubs:leave", args=[club.slug]) in page
    assert reverse("clubs:members", args=[club.slug]) in page
    # A plain member has no moderation tab and no join form.
    assert reverse("clubs:moderation", args=[club.slug]) not in page
    assert "Envoyer ma demande" not in page


def test_a_non_member_sees_the_public_face_of_a_listed_club_with_the_join_form(
    client_for, outsider, member, club
):
    club.description = "Entraide entre secrétaires de mairie."
    club.save()
    response = client_for(outsider).get(reverse("clubs:detail", args=[club.slug]))
    assert response.status_code == 200
    page = markup(response)
    assert "Entraide entre secrétaires de mairie." in page
    assert "1 membre" in page
    assert "Les discussions de ce club sont réservées à ses membres." in page
    assert "Demander à rejoindre le club" in page
    assert f'action="{reverse("clubs:request_join", args=[club.slug])}"' in page
    assert "Quitter le club" not in page
    assert reverse("clubs:members", args=[club.slug]) not in page


def test_a_secret_club_is_404_to_a_non_member(client_for, outsider, make_club):
    secret = make_club("Club secret", visibility=Visibility.SECRET)
    response = client_for(outsider).get(reverse("clubs:detail", args=[secret.slug]))
    assert response.status_code == 404


def test_a_member_of_a_secret_club_sees_its_page(client_for, member, make_club, make_membership):
    secret = make_club("Club secret", visibility=Visibility.SECRET)
    make_membership(member, secret)
    response = client_for(member).get(reverse("clubs:detail", args=[secret.slug]))
    assert response.status_code == 200
    assert "club secret" in markup(response)


def test_an_archived_club_is_404_to_a_non_member(client_for, outsider, make_club):
    old = make_club("Ancien club", archived=True)
    assert client_for(outsider).get(reverse("clubs:detail", args=[old.slug])).status_code == 404


def test_an_archived_club_stays_readable_by_its_members_with_a_notice(client_for, member, club):
    club.archived = True
    club.save()
    response = client_for(member).get(reverse("clubs:detail", args=[club.slug]))
    assert response.status_code == 200
    assert "Ce club est archivé : son contenu reste lisible" in markup(response)


def test_an_unknown_club_is_404(client_for, member):
    assert client_for(member).get(reverse("clubs:detail", args=["nexiste-pas"])).status_code == 404


def test_a_banned_person_is_told_so_and_gets_no_join_form(client_for, outsider, club, make_ban):
    make_ban(outsider, club)
    page = markup(client_for(outsider).get(reverse("clubs:detail", args=[club.slug])))
    assert "Vous avez été exclu·e de ce club." in page
    assert "Envoyer ma demande" not in page


def test_a_moderator_sees_the_pending_requests_on_the_club_page(
    client_for, moderator, outsider, club, make_join_request
):
    make_join_request(outsider, club)
    page = markup(client_for(moderator).get(reverse("clubs:detail", args=[club.slug])))
    assert "1 demande d'adhésion attend votre réponse" in page
    assert reverse("clubs:moderation", args=[club.slug]) in page
    assert "vous êtes modérateur·rice" in page


# --- Join requests ------------------------------------------------------------------------------


def test_a_non_member_requests_to_join_and_sees_the_request_is_sent(client_for, outsider, club):
    response = client_for(outsider).post(
        reverse("clubs:request_join", args=[club.slug]),
        {"message": "Secrétaire de mairie à Saint-Pierre."},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("clubs:detail", args=[club.slug]), 302)]
    assert "Votre demande a été envoyée à l'équipe de modération du club." in markup(response)
    request = JoinRequest.objects.get(user=outsider, club=club)
    assert request.status == JoinRequest.Status.PENDING
    assert request.message == "Secrétaire de mairie à Saint-Pierre."
    # The club page now shows the pending request and the way to withdraw it.
    page = markup(response)
    assert "attend la réponse de l'équipe de modération" in page
    assert "Retirer ma demande" in page
    assert "Envoyer ma demande" not in page


def test_a_second_request_is_refused_with_a_message(client_for, outsider, club, make_join_request):
    make_join_request(outsider, club)
    response = client_for(outsider).post(
        reverse("clubs:request_join", args=[club.slug]), {"message": "Encore moi"}
    )
    assert response.status_code == 302
    assert shown_messages(response) == ["Vous avez déjà une demande en attente pour ce club."]
    assert JoinRequest.objects.filter(user=outsider, club=club).count() == 1


def test_a_request_message_over_2000_characters_is_refused_without_error(
    client_for, outsider, club
):
    response = client_for(outsider).post(
        reverse("clubs:request_join", args=[club.slug]), {"message": "x" * 2001}, follow=True
    )
    assert response.status_code == 200
    assert "Votre message est trop long (2 000 caractères au plus)." in markup(response)
    assert not JoinRequest.objects.filter(user=outsider).exists()


def test_a_request_message_of_exactly_2000_characters_is_accepted(client_for, outsider, club):
    client_for(outsider).post(
        reverse("clubs:request_join", args=[club.slug]), {"message": "x" * 2000}
    )
    assert len(JoinRequest.objects.get(user=outsider).message) == 2000


def test_a_member_asking_to_join_is_told_they_already_are_a_member(client_for, member, club):
    response = client_for(member).post(reverse("clubs:request_join", args=[club.slug]))
    assert shown_messages(response) == ["Vous êtes déjà membre de ce club."]
    assert not JoinRequest.objects.exists()


def test_a_banned_person_cannot_ask_to_join(client_for, outsider, club, make_ban):
    make_ban(outsider, club)
    response = client_for(outsider).post(reverse("clubs:request_join", args=[club.slug]))
    assert shown_messages(response) == [
        "Vous avez été exclu·e de ce club : vous ne pouvez pas demander à le rejoindre."
    ]
    assert not JoinRequest.objects.exists()


def test_asking_to_join_a_secret_club_is_404(client_for, outsider, make_club):
    secret = make_club("Club secret", visibility=Visibility.SECRET)
    response = client_for(outsider).post(reverse("clubs:request_join", args=[secret.slug]))
    assert response.status_code == 404
    assert not JoinRequest.objects.exists()


def test_asking_to_join_by_get_is_not_allowed(client_for, outsider, club):
    response = client_for(outsider).get(reverse("clubs:request_join", args=[club.slug]))
    assert response.status_code == 405
    assert not JoinRequest.objects.exists()


def test_a_requester_withdraws_their_request(client_for, outsider, club, make_join_request):
    request = make_join_request(outsider, club)
    response = client_for(outsider).post(
        reverse("clubs:withdraw_request", args=[club.slug]), follow=True
    )
    assert response.status_code == 200
    assert "Votre demande d'adhésion est retirée." in markup(response)
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WITHDRAWN
    assert club.events.filter(kind=Kind.JOIN_WITHDRAWN, target_user=outsider).exists()
    assert "Envoyer ma demande" in markup(response)


def test_withdrawing_without_a_pending_request_is_404(client_for, outsider, club):
    response = client_for(outsider).post(reverse("clubs:withdraw_request", args=[club.slug]))
    assert response.status_code == 404


def test_one_cannot_withdraw_someone_elses_request(
    client_for, outsider, make_user, club, make_join_request
):
    request = make_join_request(make_user(), club)
    response = client_for(outsider).post(reverse("clubs:withdraw_request", args=[club.slug]))
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING


# --- Members list -------------------------------------------------------------------------------


def test_the_members_page_lists_names_and_roles_owners_first(
    client_for, owner, moderator, member, club
):
    response = client_for(member).get(reverse("clubs:members", args=[club.slug]))
    assert response.status_code == 200
    page = markup(response)
    assert "(3)" in page
    positions = [page.index(name) for name in ("Odile Propriétaire", "Nadia Lefèvre")]
    assert positions == sorted(positions)
    assert page.index("Nadia Lefèvre") < page.rindex("Claire Martin")
    for role in ("Propriétaire", "Modérateur·rice", "Membre"):
        assert f'<td data-label="Rôle">{role}</td>' in page
    # A plain member sees no moderation controls.
    assert "Changer le rôle" not in page
    assert "Exclure" not in page


def test_a_moderator_sees_controls_for_others_but_not_for_themselves(
    client_for, moderator, member, club
):
    page = markup(client_for(moderator).get(reverse("clubs:members", args=[club.slug])))
    target = Membership.objects.get(user=member)
    mine = Membership.objects.get(user=moderator)
    assert reverse("clubs:member_role", args=[club.slug, target.pk]) in page
    assert reverse("clubs:member_ban", args=[club.slug, target.pk]) in page
    assert reverse("clubs:member_remove", args=[club.slug, mine.pk]) not in page


@pytest.mark.parametrize("viewer_kind", ["owner", "moderator", "staff member"])
def test_the_members_page_shows_exactly_the_controls_the_viewer_may_use(
    viewer_kind, client_for, owner, moderator, member, staff, make_membership, club
):
    """Every control on the page is one the action would accept, and every power has its
    control: the page reads `access.member_rights`, as the actions do."""
    from clubs import access

    viewers = {"owner": owner, "moderator": moderator, "staff member": staff}
    viewer = viewers[viewer_kind]
    if viewer_kind == "staff member":
        make_membership(staff, club)
    page = markup(client_for(viewer).get(reverse("clubs:members", args=[club.slug])))
    viewer_membership = Membership.objects.get(user=viewer, club=club)
    for target in Membership.objects.filter(club=club):
        rights = access.member_rights(viewer, viewer_membership, target)
        shown = {
            "change_role": reverse("clubs:member_role", args=[club.slug, target.pk]) in page,
            "remove": reverse("clubs:member_remove", args=[club.slug, target.pk]) in page,
            "ban": reverse("clubs:member_ban", args=[club.slug, target.pk]) in page,
        }
        expected = {power: getattr(rights, power) for power in shown}
        assert shown == expected, (viewer_kind, target.role)
    # A moderator cannot act on an owner: no control at all on the owner's row.
    owner_row = Membership.objects.get(user=owner, club=club)
    moderator_sees_owner_controls = viewer_kind == "moderator" and (
        reverse("clubs:member_remove", args=[club.slug, owner_row.pk]) in page
    )
    assert not moderator_sees_owner_controls


def test_the_members_page_is_paginated_beyond_50_members(
    client_for, member, club, make_user, make_membership
):
    for n in range(55):
        make_membership(make_user(display_name=f"Zoé Collègue {n:02d}"), club)
    client = client_for(member)
    first = markup(client.get(reverse("clubs:members", args=[club.slug])))
    assert "(56)" in first
    assert "Page 1 sur 2" in first
    assert 'href="?page=2"' in first
    second = client.get(reverse("clubs:members", args=[club.slug]), {"page": 2})
    assert second.status_code == 200
    second_page = markup(second)
    assert "Page 2 sur 2" in second_page
    assert second_page.count("<tr>") - 1 == 6  # header row + 6 members
    assert "Zoé Collègue 54" in second_page
    assert "Zoé Collègue 54" not in first


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5", ""])
def test_a_strange_page_number_does_not_break_the_members_page(client_for, member, club, page):
    response = client_for(member).get(reverse("clubs:members", args=[club.slug]), {"page": page})
    assert response.status_code == 200
    assert "Claire Martin" in markup(response)


def test_the_members_page_is_404_to_a_non_member_even_of_a_listed_club(
    client_for, outsider, member, club
):
    assert client_for(outsider).get(reverse("clubs:members", args=[club.slug])).status_code == 404


def test_the_members_page_is_404_to_staff_who_are_not_members(client_for, staff, member, club):
    assert client_for(staff).get(reverse("clubs:members", args=[club.slug])).status_code == 404


def test_the_members_page_query_count_does_not_grow_with_the_members(
    client_for, moderator, club, make_user, make_membership
):
    client = client_for(moderator)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("clubs:members", args=[club.slug])).status_code == 200
        return len(captured)

    for _ in range(3):
        make_membership(make_user(display_name="Anne"), club)
    small = count()
    for _ in range(20):
        make_membership(make_user(display_name="Bruno"), club)
    assert count() == small


# --- Leaving ------------------------------------------------------------------------------------


def test_leaving_asks_for_confirmation_first(client_for, member, club):
    response = client_for(member).get(reverse("clubs:leave", args=[club.slug]))
    assert response.status_code == 200
    page = markup(response)
    assert "Quitter le club « Secrétaires de mairie » ?" in page
    assert '<form method="post"' in page
    assert Membership.objects.filter(user=member, club=club).exists()


def test_a_member_leaves_the_club_and_is_told_so(client_for, member, club):
    response = client_for(member).post(reverse("clubs:leave", args=[club.slug]), follow=True)
    assert response.redirect_chain == [(reverse("clubs:directory"), 302)]
    assert "Vous avez quitté le club « Secrétaires de mairie »." in markup(response)
    assert not Membership.objects.filter(user=member, club=club).exists()
    assert club.events.filter(kind=Kind.LEFT, target_user=member).exists()


def test_the_last_owner_cannot_leave_the_club(client_for, owner, club):
    response = client_for(owner).post(reverse("clubs:leave", args=[club.slug]), follow=True)
    assert response.redirect_chain == [(reverse("clubs:detail", args=[club.slug]), 302)]
    assert (
        "Vous êtes la dernière personne propriétaire du club : nommez un·e autre "
        "propriétaire avant de le quitter." in markup(response)
    )
    assert Membership.objects.filter(user=owner, club=club, role=Role.OWNER).exists()


def test_an_owner_may_leave_when_another_owner_remains(
    client_for, owner, club, make_user, make_membership
):
    make_membership(make_user(), club, Role.OWNER)
    response = client_for(owner).post(reverse("clubs:leave", args=[club.slug]))
    assert response.status_code == 302
    assert shown_messages(response) == ["Vous avez quitté le club « Secrétaires de mairie »."]
    assert not Membership.objects.filter(user=owner, club=club).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_leaving_a_club_one_is_not_in_is_404(client_for, outsider, club, method):
    response = getattr(client_for(outsider), method)(reverse("clubs:leave", args=[club.slug]))
    assert response.status_code == 404


# --- Dashboard ----------------------------------------------------------------------------------


def test_the_dashboard_lists_my_clubs_with_my_role(client_for, member, club):
    response = client_for(member).get(reverse("home"))
    assert response.status_code == 200
    mine = section(markup(response), "mes-clubs")
    assert "Secrétaires de mairie" in mine
    assert "Membre" in mine
    assert "À traiter" not in markup(response)


def test_the_dashboard_without_clubs_points_to_the_directory(client_for, outsider):
    page = markup(client_for(outsider).get(reverse("home")))
    assert "Vous ne faites encore partie d'aucun club." in page
    assert reverse("clubs:directory") in page


def test_the_dashboard_shows_a_moderator_the_clubs_with_pending_requests(
    client_for, moderator, club, make_user, make_club, make_membership, make_join_request
):
    make_join_request(make_user(), club)
    make_join_request(make_user(), club)
    quiet = make_club("Club sans demande")
    make_membership(moderator, quiet, Role.OWNER)
    page = markup(client_for(moderator).get(reverse("home")))
    to_do = section(page, "a-traiter")
    assert "À traiter" in to_do
    assert "Secrétaires de mairie : 2 demandes d'adhésion" in to_do
    assert reverse("clubs:moderation", args=[club.slug]) in to_do
    assert "Club sans demande" not in to_do


def test_the_dashboard_shows_no_queue_to_a_plain_member_of_a_club_with_requests(
    client_for, member, club, make_user, make_join_request
):
    make_join_request(make_user(), club)
    assert "À traiter" not in markup(client_for(member).get(reverse("home")))
