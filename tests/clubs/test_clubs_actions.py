"""Clubs, join requests, roles, removals and bans: each action's success and refusals."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from clubs import access, actions
from clubs.models import (
    Ban,
    Club,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    Profession,
    Role,
    Visibility,
)
from community.action_errors import ActionError

pytestmark = pytest.mark.django_db

Kind = MembershipEvent.Kind


def test_action_error_shows_its_french_message():
    error = ActionError("Le club doit garder au moins un·e propriétaire.", "last_owner")
    assert str(error) == "Le club doit garder au moins un·e propriétaire."
    assert error.message == str(error)
    assert error.messages == [str(error)]
    assert error.code == "last_owner"


# --- Clubs --------------------------------------------------------------------------------------


def test_staff_create_a_club_with_an_owner(staff, make_user):
    owner = make_user()
    club = actions.create_club(
        actor=staff,
        name="Secrétaires de mairie",
        description="Entraide",
        profession=Profession.SECRETAIRE_MAIRIE,
        visibility=Visibility.LISTED,
        owner=owner,
    )
    assert club.slug == "secretaires-de-mairie"
    assert club.created_by == staff
    assert Membership.objects.get(club=club, user=owner).role == Role.OWNER
    assert list(club.events.values_list("kind", flat=True)) == [Kind.OWNER_NAMED, Kind.CLUB_CREATED]


def test_club_slugs_are_made_unique_with_a_suffix(staff):
    first = actions.create_club(actor=staff, name="Archivistes")
    second = actions.create_club(actor=staff, name="Archivistes")
    third = actions.create_club(actor=staff, name="Archivistes !")
    slugs = [first.slug, second.slug, third.slug]
    assert slugs == ["archivistes", "archivistes-2", "archivistes-3"]


def test_only_staff_create_clubs(owner):
    with pytest.raises(PermissionDenied):
        actions.create_club(actor=owner, name="Mon club")


def test_a_club_needs_a_name_and_known_choices(staff):
    with pytest.raises(ActionError, match="nom"):
        actions.create_club(actor=staff, name="  ")
    with pytest.raises(ActionError, match="métier"):
        actions.create_club(actor=staff, name="X", profession="boulanger")
    with pytest.raises(ActionError, match="visibilité"):
        actions.create_club(actor=staff, name="X", visibility="public")
    assert not Club.objects.exists()


def test_an_owner_updates_the_club_and_the_change_is_logged(owner, club):
    actions.update_club(actor=owner, club=club, description="Nouveau texte", visibility="secret")
    club.refresh_from_db()
    assert club.description == "Nouveau texte"
    assert club.visibility == Visibility.SECRET
    event = club.events.get(kind=Kind.CLUB_UPDATED)
    assert event.detail["changes"]["visibility"] == {"from": "listed", "to": "secret"}


def test_a_moderator_cannot_update_the_club(moderator, club):
    with pytest.raises(PermissionDenied):
        actions.update_club(actor=moderator, club=club, name="Autre")


def test_an_update_without_change_writes_no_event(owner, club):
    actions.update_club(actor=owner, club=club, name=club.name)
    assert not club.events.exists()


def test_staff_archive_a_club_which_closes_invitations_and_requests(
    staff, club, make_invitation, make_join_request, outsider
):
    invitation, _ = make_invitation(club, "a@b.fr")
    request = make_join_request(outsider, club)
    actions.archive_club(actor=staff, club=club)
    club.refresh_from_db()
    invitation.refresh_from_db()
    request.refresh_from_db()
    assert club.archived
    assert invitation.status == "revoked"
    assert request.status == JoinRequest.Status.REFUSED
    assert club not in Club.objects.active()
    with pytest.raises(ActionError, match="déjà archivé"):
        actions.archive_club(actor=staff, club=club)


def test_staff_unarchive_a_club(staff, club):
    actions.archive_club(actor=staff, club=club)
    actions.unarchive_club(actor=staff, club=club)
    assert not Club.objects.get(pk=club.pk).archived
    assert club.events.filter(kind=Kind.CLUB_UNARCHIVED).exists()
    with pytest.raises(ActionError, match="n'est pas archivé"):
        actions.unarchive_club(actor=staff, club=club)


def test_owners_cannot_archive(owner, club):
    with pytest.raises(PermissionDenied):
        actions.archive_club(actor=owner, club=club)


def test_staff_name_an_owner_among_members_or_outsiders(staff, member, outsider, club):
    assert actions.name_owner(actor=staff, club=club, user=member).role == Role.OWNER
    assert actions.name_owner(actor=staff, club=club, user=outsider).role == Role.OWNER
    assert club.events.filter(kind=Kind.OWNER_NAMED).count() == 2


def test_an_owner_names_another_owner(owner, member, club):
    actions.name_owner(actor=owner, club=club, user=member)
    assert Membership.objects.get(user=member, club=club).role == Role.OWNER


def test_a_moderator_cannot_name_an_owner(moderator, member, club):
    with pytest.raises(PermissionDenied):
        actions.name_owner(actor=moderator, club=club, user=member)


def test_a_banned_person_cannot_be_named_owner(staff, outsider, club, make_ban):
    make_ban(outsider, club)
    with pytest.raises(ActionError, match="exclue"):
        actions.name_owner(actor=staff, club=club, user=outsider)


def test_naming_an_owner_twice_is_refused(staff, owner, club):
    with pytest.raises(ActionError, match="déjà propriétaire"):
        actions.name_owner(actor=staff, club=club, user=owner)


# --- Join requests ------------------------------------------------------------------------------


def test_a_logged_in_person_asks_to_join_a_listed_club(outsider, club):
    request = actions.request_to_join(user=outsider, club=club, message="Bonjour !")
    assert request.status == JoinRequest.Status.PENDING
    assert request.message == "Bonjour !"
    assert club.events.filter(kind=Kind.JOIN_REQUESTED, target_user=outsider).exists()


def test_nobody_asks_to_join_a_secret_club(outsider, make_club):
    with pytest.raises(ActionError, match="sur invitation"):
        actions.request_to_join(user=outsider, club=make_club(visibility=Visibility.SECRET))


def test_nobody_asks_to_join_an_archived_club(outsider, make_club):
    with pytest.raises(ActionError, match="archivé"):
        actions.request_to_join(user=outsider, club=make_club(archived=True))


def test_a_banned_person_cannot_ask_to_join(outsider, club, make_ban):
    make_ban(outsider, club)
    with pytest.raises(ActionError, match="exclu·e"):
        actions.request_to_join(user=outsider, club=club)


def test_a_member_cannot_ask_to_join(member, club):
    with pytest.raises(ActionError, match="déjà membre"):
        actions.request_to_join(user=member, club=club)


def test_only_one_pending_request_per_person_and_club(outsider, club):
    actions.request_to_join(user=outsider, club=club)
    with pytest.raises(ActionError, match="déjà une demande"):
        actions.request_to_join(user=outsider, club=club)
    assert JoinRequest.objects.count() == 1


def test_the_database_refuses_two_pending_requests(outsider, club, make_join_request):
    from django.db import IntegrityError, transaction

    make_join_request(outsider, club)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_join_request(outsider, club)


def test_a_too_long_message_is_refused(outsider, club):
    with pytest.raises(ActionError, match="trop long"):
        actions.request_to_join(user=outsider, club=club, message="x" * 2001)


def test_the_requester_withdraws_and_may_ask_again(outsider, club):
    request = actions.request_to_join(user=outsider, club=club)
    request = actions.withdraw_join_request(user=outsider, join_request=request)
    assert request.status == JoinRequest.Status.WITHDRAWN
    assert club.events.filter(kind=Kind.JOIN_WITHDRAWN).exists()
    assert actions.request_to_join(user=outsider, club=club).status == "pending"


def test_nobody_withdraws_someone_elses_request(outsider, member, club, make_join_request):
    request = make_join_request(outsider, club)
    with pytest.raises(PermissionDenied):
        actions.withdraw_join_request(user=member, join_request=request)


def test_a_moderator_approves_a_request_and_the_requester_gets_an_email(
    moderator, outsider, club, run_on_commit
):
    request = actions.request_to_join(user=outsider, club=club)
    with run_on_commit():
        membership = actions.approve_join_request(
            actor=moderator, join_request=request, message="Bienvenue parmi nous"
        )
    assert membership.role == Role.MEMBER
    assert access.membership_of(outsider, club) == membership
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.APPROVED
    assert request.decided_by == moderator
    assert request.decision_message == "Bienvenue parmi nous"
    assert club.events.filter(kind=Kind.JOIN_APPROVED).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [outsider.email]
    assert "acceptée" in mail.outbox[0].subject
    assert "Bienvenue parmi nous" in mail.outbox[0].body


def test_a_moderator_refuses_a_request_and_the_requester_gets_an_email(
    moderator, outsider, club, run_on_commit
):
    request = actions.request_to_join(user=outsider, club=club)
    with run_on_commit():
        actions.refuse_join_request(actor=moderator, join_request=request, message="Réservé")
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.REFUSED
    assert access.membership_of(outsider, club) is None
    assert club.events.filter(kind=Kind.JOIN_REFUSED).exists()
    assert len(mail.outbox) == 1
    assert "n'a pas été acceptée" in mail.outbox[0].body
    assert "Réservé" in mail.outbox[0].body


def test_a_request_is_answered_only_once(moderator, outsider, club):
    request = actions.request_to_join(user=outsider, club=club)
    actions.refuse_join_request(actor=moderator, join_request=request)
    with pytest.raises(ActionError, match="déjà reçu une réponse"):
        actions.approve_join_request(actor=moderator, join_request=request)


def test_a_plain_member_cannot_answer_requests(member, outsider, club):
    request = actions.request_to_join(user=outsider, club=club)
    with pytest.raises(PermissionDenied):
        actions.approve_join_request(actor=member, join_request=request)
    with pytest.raises(PermissionDenied):
        actions.refuse_join_request(actor=member, join_request=request)


def test_a_moderator_of_another_club_cannot_answer_requests(
    make_user, make_club, make_membership, outsider, club
):
    stranger = make_user()
    make_membership(stranger, make_club(), Role.MODERATOR)
    request = actions.request_to_join(user=outsider, club=club)
    with pytest.raises(PermissionDenied):
        actions.approve_join_request(actor=stranger, join_request=request)


# --- Roles --------------------------------------------------------------------------------------


def test_a_moderator_promotes_a_member_to_moderator(moderator, member, club):
    membership = Membership.objects.get(user=member, club=club)
    actions.change_role(actor=moderator, membership=membership, role=Role.MODERATOR)
    assert Membership.objects.get(pk=membership.pk).role == Role.MODERATOR
    event = club.events.get(kind=Kind.ROLE_CHANGED)
    assert event.detail == {"previous": "member", "role": "moderator"}


def test_a_moderator_cannot_touch_an_owner(moderator, owner, make_user, make_membership, club):
    make_membership(make_user(), club, Role.OWNER)  # not the last owner: the rule still holds
    membership = Membership.objects.get(user=owner, club=club)
    with pytest.raises(ActionError, match="ne peut pas modifier le rôle d'un·e propriétaire"):
        actions.change_role(actor=moderator, membership=membership, role=Role.MEMBER)


def test_a_moderator_cannot_make_someone_owner(moderator, member, club):
    membership = Membership.objects.get(user=member, club=club)
    with pytest.raises(ActionError, match="nommer un·e propriétaire"):
        actions.change_role(actor=moderator, membership=membership, role=Role.OWNER)


def test_an_owner_makes_a_member_owner(owner, member, club):
    membership = Membership.objects.get(user=member, club=club)
    actions.change_role(actor=owner, membership=membership, role=Role.OWNER)
    assert Membership.objects.get(pk=membership.pk).role == Role.OWNER


def test_the_last_owner_cannot_be_demoted(owner, staff, club):
    membership = Membership.objects.get(user=owner, club=club)
    with pytest.raises(ActionError, match="Le club doit garder au moins un·e propriétaire"):
        actions.change_role(actor=staff, membership=membership, role=Role.MEMBER)
    with pytest.raises(ActionError, match="au moins un·e propriétaire"):
        actions.change_role(actor=owner, membership=membership, role=Role.MODERATOR)


def test_an_owner_steps_down_once_another_owner_exists(owner, member, club):
    actions.name_owner(actor=owner, club=club, user=member)
    membership = Membership.objects.get(user=owner, club=club)
    actions.change_role(actor=owner, membership=membership, role=Role.MEMBER)
    assert Membership.objects.get(pk=membership.pk).role == Role.MEMBER


def test_a_plain_member_cannot_change_roles(member, moderator, club):
    membership = Membership.objects.get(user=moderator, club=club)
    with pytest.raises(PermissionDenied):
        actions.change_role(actor=member, membership=membership, role=Role.MEMBER)


def test_an_unknown_role_is_refused(owner, member, club):
    membership = Membership.objects.get(user=member, club=club)
    with pytest.raises(ActionError, match="rôle"):
        actions.change_role(actor=owner, membership=membership, role="roi")


# --- Removal and leaving ------------------------------------------------------------------------


def test_a_moderator_removes_a_member_whose_row_is_deleted(moderator, member, club):
    membership = Membership.objects.get(user=member, club=club)
    actions.remove_member(actor=moderator, membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert club.events.filter(kind=Kind.REMOVED, target_user=member, actor=moderator).exists()


def test_a_removed_member_may_be_invited_again(moderator, member, club):
    actions.remove_member(actor=moderator, membership=Membership.objects.get(user=member))
    invitation, _ = actions.invite_member(actor=moderator, club=club, email=member.email)
    assert invitation.is_usable


def test_a_moderator_cannot_remove_an_owner(moderator, owner, club):
    with pytest.raises(ActionError, match="retirer un·e propriétaire"):
        actions.remove_member(actor=moderator, membership=Membership.objects.get(user=owner))


def test_the_last_owner_cannot_be_removed_even_by_staff(staff, owner, club):
    with pytest.raises(ActionError, match="au moins un·e propriétaire"):
        actions.remove_member(actor=staff, membership=Membership.objects.get(user=owner))


def test_nobody_removes_themselves(moderator, club):
    with pytest.raises(ActionError, match="Quitter le club"):
        actions.remove_member(actor=moderator, membership=Membership.objects.get(user=moderator))


def test_a_plain_member_cannot_remove_anyone(member, moderator, club):
    with pytest.raises(PermissionDenied):
        actions.remove_member(actor=member, membership=Membership.objects.get(user=moderator))


def test_a_member_leaves_the_club(member, club):
    actions.leave_club(user=member, club=club)
    assert access.membership_of(member, club) is None
    assert club.events.filter(kind=Kind.LEFT, actor=member).exists()


def test_the_last_owner_cannot_leave(owner, club):
    with pytest.raises(ActionError, match="dernière personne propriétaire"):
        actions.leave_club(user=owner, club=club)
    assert access.membership_of(owner, club) is not None


def test_an_owner_leaves_when_another_owner_remains(owner, member, club):
    actions.name_owner(actor=owner, club=club, user=member)
    actions.leave_club(user=owner, club=club)
    assert access.membership_of(owner, club) is None


def test_a_non_member_cannot_leave(outsider, club):
    with pytest.raises(ActionError, match="pas membre"):
        actions.leave_club(user=outsider, club=club)


# --- Bans ---------------------------------------------------------------------------------------


def test_a_ban_deletes_the_membership_revokes_invitations_and_refuses_requests(
    moderator, member, club, make_invitation, make_club, make_join_request
):
    invitation, _ = make_invitation(club, member.email.upper())
    other_club_invitation, _ = make_invitation(make_club(), member.email)
    ban = actions.ban_member(actor=moderator, club=club, user=member, reason="Spam")
    assert ban.reason == "Spam"
    assert ban.banned_by == moderator
    assert access.membership_of(member, club) is None
    assert not Membership.objects.filter(user=member, club=club).exists()
    invitation.refresh_from_db()
    other_club_invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert other_club_invitation.status == "pending"
    event = club.events.get(kind=Kind.BANNED)
    assert event.detail["reason"] == "Spam"
    assert event.detail["invitations_revoked"] == 1


def test_a_ban_refuses_the_pending_join_request(moderator, outsider, club, make_join_request):
    request = make_join_request(outsider, club)
    actions.ban_member(actor=moderator, club=club, user=outsider, reason="")
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.REFUSED


def test_a_ban_takes_effect_at_the_next_access_check(moderator, member, club):
    from django.http import Http404

    assert access.access_club_content(member, club.slug)
    actions.ban_member(actor=moderator, club=club, user=member, reason="")
    with pytest.raises(Http404):
        access.access_club_content(member, club.slug)


def test_a_moderator_cannot_ban_an_owner(moderator, owner, club):
    with pytest.raises(ActionError, match="Seule l'équipe du GIP"):
        actions.ban_member(actor=moderator, club=club, user=owner, reason="")


def test_an_owner_cannot_ban_another_owner(owner, make_user, make_membership, club):
    other = make_user()
    make_membership(other, club, Role.OWNER)
    with pytest.raises(ActionError, match="Seule l'équipe du GIP"):
        actions.ban_member(actor=owner, club=club, user=other, reason="")


def test_staff_can_ban_an_owner(staff, owner, club):
    actions.ban_member(actor=staff, club=club, user=owner, reason="Compte compromis")
    assert Ban.objects.filter(user=owner, club=club).exists()


def test_nobody_bans_themselves(moderator, club):
    with pytest.raises(ActionError, match="vous exclure vous-même"):
        actions.ban_member(actor=moderator, club=club, user=moderator, reason="")


def test_nobody_is_banned_twice(moderator, member, club):
    actions.ban_member(actor=moderator, club=club, user=member, reason="")
    with pytest.raises(ActionError, match="déjà exclue"):
        actions.ban_member(actor=moderator, club=club, user=member, reason="")


def test_a_plain_member_cannot_ban(member, outsider, club):
    with pytest.raises(PermissionDenied):
        actions.ban_member(actor=member, club=club, user=outsider, reason="")


def test_unbanning_lets_the_person_be_invited_again(moderator, member, club):
    ban = actions.ban_member(actor=moderator, club=club, user=member, reason="")
    actions.unban(actor=moderator, ban=ban)
    assert not Ban.objects.exists()
    assert access.membership_of(member, club) is None  # not re-added
    assert club.events.filter(kind=Kind.UNBANNED, target_user=member).exists()
    invitation, _ = actions.invite_member(actor=moderator, club=club, email=member.email)
    assert invitation.is_usable
    with pytest.raises(ActionError, match="déjà été levée"):
        actions.unban(actor=moderator, ban=ban)


def test_a_plain_member_cannot_unban(moderator, member, outsider, club):
    ban = actions.ban_member(actor=moderator, club=club, user=outsider, reason="")
    with pytest.raises(PermissionDenied):
        actions.unban(actor=member, ban=ban)


def test_every_action_writes_one_event(staff, make_user):
    club = actions.create_club(actor=staff, name="Club témoin", owner=make_user())
    before = club.events.count()
    invitation, raw = actions.invite_member(actor=staff, club=club, email="x@y.fr")
    actions.accept_invitation(user=make_user("x@y.fr"), raw_token=raw)
    assert club.events.count() == before + 2
    assert Invitation.objects.get(pk=invitation.pk).status == "accepted"
