"""Invitations: invite, resend, revoke, accept — and every refusal."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from clubs import actions
from clubs.models import Invitation, Membership, MembershipEvent, Role
from clubs.tokens import hash_token
from community.action_errors import ActionError

pytestmark = pytest.mark.django_db

Kind = MembershipEvent.Kind


def test_a_moderator_invites_an_address_and_an_email_leaves_after_commit(invite, club):
    invitation, raw = invite("Nouvelle@Mairie.fr")
    assert invitation.email == "nouvelle@mairie.fr"
    assert invitation.status == "pending"
    assert invitation.send_count == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nouvelle@mairie.fr"]
    assert raw in mail.outbox[0].body
    assert club.events.filter(kind=Kind.INVITED, target_email="nouvelle@mairie.fr").exists()


def test_no_email_leaves_before_commit(moderator, club, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.invite_member(actor=moderator, club=club, email="a@b.fr")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["a@b.fr"]]


def test_the_raw_token_is_not_stored_only_its_sha256(invite):
    invitation, raw = invite("nouvelle@mairie.fr")
    assert len(raw) >= 43  # 32 random bytes, URL-safe base64
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_token(raw)
    assert len(invitation.token_hash) == 64
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert raw not in {str(v) for v in stored.values()}


def test_invitation_expiry_follows_the_setting(invite, settings):
    settings.INVITATION_TTL_DAYS = 3
    invitation, _ = invite("nouvelle@mairie.fr")
    remaining = invitation.expires_at - timezone.now()
    assert timedelta(days=2, hours=23) < remaining <= timedelta(days=3)


def test_inviting_the_same_address_again_renews_the_invitation_instead_of_duplicating(invite):
    first, first_raw = invite("nouvelle@mairie.fr")
    second, second_raw = invite("NOUVELLE@mairie.fr")
    assert first.pk == second.pk
    assert first_raw != second_raw
    assert Invitation.objects.count() == 1
    second.refresh_from_db()
    assert second.token_hash == hash_token(second_raw)
    assert second.send_count == 2
    assert len(mail.outbox) == 2
    assert second.club.events.filter(kind=Kind.INVITATION_RESENT).count() == 1


def test_inviting_a_banned_person_is_refused(moderator, club, outsider, make_ban):
    make_ban(outsider, club)
    with pytest.raises(ActionError, match="Cette personne est exclue du club"):
        actions.invite_member(actor=moderator, club=club, email=outsider.email.upper())


def test_inviting_a_member_is_refused(moderator, member, club):
    with pytest.raises(ActionError, match="déjà membre"):
        actions.invite_member(actor=moderator, club=club, email=member.email)


def test_inviting_an_invalid_address_is_refused(moderator, club):
    with pytest.raises(ActionError, match="adresse électronique valide") as caught:
        actions.invite_member(actor=moderator, club=club, email="pas-une-adresse")
    assert caught.value.code == "invalid"


def test_inviting_to_an_archived_club_is_refused(moderator, club):
    club.archived = True
    club.save()
    with pytest.raises(ActionError, match="archivé"):
        actions.invite_member(actor=moderator, club=club, email="a@b.fr")


def test_a_moderator_cannot_invite_someone_as_owner(moderator, club):
    with pytest.raises(ActionError, match="propriétaire"):
        actions.invite_member(actor=moderator, club=club, email="a@b.fr", role=Role.OWNER)


def test_an_owner_can_invite_someone_as_owner(owner, club):
    invitation, _ = actions.invite_member(actor=owner, club=club, email="a@b.fr", role=Role.OWNER)
    assert invitation.role == Role.OWNER


def test_a_plain_member_cannot_invite(member, club):
    with pytest.raises(PermissionDenied):
        actions.invite_member(actor=member, club=club, email="a@b.fr")


def test_a_moderator_of_another_club_cannot_invite(make_user, make_club, make_membership, club):
    stranger = make_user()
    make_membership(stranger, make_club(), Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        actions.invite_member(actor=stranger, club=club, email="a@b.fr")


def test_staff_can_invite_without_being_members(staff, club):
    invitation, _ = actions.invite_member(actor=staff, club=club, email="a@b.fr")
    assert invitation.invited_by == staff


# --- Accepting ----------------------------------------------------------------------------------


def test_the_invited_person_accepts_and_becomes_a_member_with_the_invited_role(
    invite, make_user, moderator, club
):
    invitation, raw = invite("nouvelle@mairie.fr", role=Role.MODERATOR)
    user = make_user("Nouvelle@mairie.fr")
    membership = actions.accept_invitation(user=user, raw_token=raw)
    assert membership.club == club
    assert membership.role == Role.MODERATOR
    assert membership.invited_by == moderator
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None
    assert club.events.filter(kind=Kind.INVITATION_ACCEPTED, target_user=user).exists()


def test_an_unknown_token_is_refused(make_user):
    with pytest.raises(ActionError, match="n'est pas valide") as caught:
        actions.accept_invitation(user=make_user(), raw_token="inconnu")
    assert caught.value.code == "unknown"


def test_an_expired_invitation_is_refused(make_invitation, make_user, club):
    invitation, raw = make_invitation(
        club, "nouvelle@mairie.fr", expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert invitation.status == "expired"
    with pytest.raises(ActionError, match="a expiré"):
        actions.accept_invitation(user=make_user("nouvelle@mairie.fr"), raw_token=raw)
    assert not Membership.objects.filter(club=club).exists()


def test_a_revoked_invitation_is_refused(invite, moderator, make_user):
    invitation, raw = invite("nouvelle@mairie.fr")
    actions.revoke_invitation(actor=moderator, invitation=invitation)
    with pytest.raises(ActionError, match="annulée") as caught:
        actions.accept_invitation(user=make_user("nouvelle@mairie.fr"), raw_token=raw)
    assert caught.value.code == "revoked"


def test_an_invitation_cannot_be_used_twice(invite, make_user):
    _, raw = invite("nouvelle@mairie.fr")
    user = make_user("nouvelle@mairie.fr")
    actions.accept_invitation(user=user, raw_token=raw)
    with pytest.raises(ActionError, match="déjà été utilisée"):
        actions.accept_invitation(user=user, raw_token=raw)


def test_an_invitation_is_refused_to_another_address(invite, make_user, club):
    _, raw = invite("nouvelle@mairie.fr")
    with pytest.raises(ActionError, match="autre adresse") as caught:
        actions.accept_invitation(user=make_user("intrus@mairie.fr"), raw_token=raw)
    assert caught.value.code == "wrong_email"
    assert not Membership.objects.filter(club=club, user__email="intrus@mairie.fr").exists()


def test_a_person_banned_after_the_invitation_cannot_accept_it(
    make_invitation, make_user, make_ban, club
):
    user = make_user("nouvelle@mairie.fr")
    _, raw = make_invitation(club, user.email)
    make_ban(user, club)
    with pytest.raises(ActionError, match="exclu·e") as caught:
        actions.accept_invitation(user=user, raw_token=raw)
    assert caught.value.code == "banned"


def test_an_invitation_to_an_archived_club_cannot_be_accepted(make_invitation, make_user, club):
    _, raw = make_invitation(club, "nouvelle@mairie.fr")
    club.archived = True
    club.save()
    with pytest.raises(ActionError, match="archivé"):
        actions.accept_invitation(user=make_user("nouvelle@mairie.fr"), raw_token=raw)


def test_an_old_link_stops_working_once_the_invitation_is_resent(invite, moderator, make_user):
    invitation, old_raw = invite("nouvelle@mairie.fr")
    _, new_raw = actions.resend_invitation(actor=moderator, invitation=invitation)
    user = make_user("nouvelle@mairie.fr")
    with pytest.raises(ActionError, match="n'est pas valide"):
        actions.accept_invitation(user=user, raw_token=old_raw)
    assert actions.accept_invitation(user=user, raw_token=new_raw)


def test_a_member_accepting_an_invitation_is_just_marked_accepted(make_invitation, member, club):
    invitation, raw = make_invitation(club, member.email, role=Role.MODERATOR)
    membership = actions.accept_invitation(user=member, raw_token=raw)
    assert membership.role == Role.MEMBER
    assert Membership.objects.filter(club=club, user=member).count() == 1
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_an_anonymous_user_cannot_accept(make_invitation, club):
    from django.contrib.auth.models import AnonymousUser

    _, raw = make_invitation(club, "nouvelle@mairie.fr")
    with pytest.raises(PermissionDenied):
        actions.accept_invitation(user=AnonymousUser(), raw_token=raw)


# --- Resending and revoking ---------------------------------------------------------------------


def test_resending_an_expired_invitation_gives_it_a_new_link_and_expiry(
    make_invitation, moderator, club, run_on_commit
):
    invitation, old_raw = make_invitation(
        club, "nouvelle@mairie.fr", expires_at=timezone.now() - timedelta(days=1)
    )
    with run_on_commit():
        invitation, raw = actions.resend_invitation(actor=moderator, invitation=invitation)
    assert invitation.status == "pending"
    assert invitation.token_hash == hash_token(raw)
    assert raw != old_raw
    assert invitation.send_count == 1
    assert len(mail.outbox) == 1
    assert raw in mail.outbox[0].body
    assert club.events.filter(kind=Kind.INVITATION_RESENT).exists()


def test_an_accepted_invitation_cannot_be_resent_nor_revoked(invite, moderator, make_user):
    invitation, raw = invite("nouvelle@mairie.fr")
    actions.accept_invitation(user=make_user("nouvelle@mairie.fr"), raw_token=raw)
    with pytest.raises(ActionError, match="déjà été acceptée"):
        actions.resend_invitation(actor=moderator, invitation=invitation)
    with pytest.raises(ActionError, match="déjà été acceptée"):
        actions.revoke_invitation(actor=moderator, invitation=invitation)


def test_a_revoked_invitation_cannot_be_resent_nor_revoked_again(invite, moderator):
    invitation, _ = invite("nouvelle@mairie.fr")
    actions.revoke_invitation(actor=moderator, invitation=invitation)
    with pytest.raises(ActionError, match="annulée"):
        actions.resend_invitation(actor=moderator, invitation=invitation)
    with pytest.raises(ActionError, match="déjà annulée"):
        actions.revoke_invitation(actor=moderator, invitation=invitation)


def test_revoking_writes_an_event(invite, moderator, club):
    invitation, _ = invite("nouvelle@mairie.fr")
    invitation = actions.revoke_invitation(actor=moderator, invitation=invitation)
    assert invitation.status == "revoked"
    assert not invitation.is_usable
    assert club.events.filter(kind=Kind.INVITATION_REVOKED, actor=moderator).exists()


def test_a_plain_member_cannot_resend_or_revoke(invite, member):
    invitation, _ = invite("nouvelle@mairie.fr")
    with pytest.raises(PermissionDenied):
        actions.resend_invitation(actor=member, invitation=invitation)
    with pytest.raises(PermissionDenied):
        actions.revoke_invitation(actor=member, invitation=invitation)


def test_inviting_again_after_a_revocation_creates_a_new_invitation(invite, moderator):
    first, _ = invite("nouvelle@mairie.fr")
    actions.revoke_invitation(actor=moderator, invitation=first)
    second, _ = invite("nouvelle@mairie.fr")
    assert second.pk != first.pk


def test_a_stale_email_task_sends_nothing_once_the_link_was_replaced(invite, moderator):
    from clubs.tasks import send_invitation_email

    invitation, old_raw = invite("nouvelle@mairie.fr")
    actions.resend_invitation(actor=moderator, invitation=invitation)
    mail.outbox.clear()
    assert send_invitation_email.call(invitation.pk, old_raw) is False
    assert mail.outbox == []


def test_the_email_task_sends_nothing_for_a_revoked_invitation(invite, moderator):
    from clubs.tasks import send_invitation_email

    invitation, raw = invite("nouvelle@mairie.fr")
    actions.revoke_invitation(actor=moderator, invitation=invitation)
    mail.outbox.clear()
    assert send_invitation_email.call(invitation.pk, raw) is False
    assert mail.outbox == []
