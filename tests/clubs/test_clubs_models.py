"""Models and tokens of clubs."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clubs.models import Club, Invitation, Membership, MembershipEvent
from clubs.tokens import hash_token, new_token, token_matches

pytestmark = pytest.mark.django_db


def test_a_token_has_32_random_bytes_and_is_stored_as_sha256():
    raw, token_hash = new_token()
    assert len(raw) >= 43  # base64 of 32 bytes
    assert len(token_hash) == 64
    assert token_hash == hash_token(raw)
    assert token_hash != raw
    assert new_token()[0] != raw


def test_token_matching_is_exact():
    raw, token_hash = new_token()
    assert token_matches(raw, token_hash)
    assert not token_matches(raw + "x", token_hash)


def test_invitation_status_follows_its_dates(club):
    invitation = Invitation(club=club, email="a@x.fr", token_hash="x" * 64)
    assert invitation.status == "pending" and invitation.is_usable
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    assert invitation.status == "expired" and not invitation.is_usable
    invitation.revoked_at = timezone.now()
    assert invitation.status == "revoked"
    invitation.accepted_at = timezone.now()
    assert invitation.status == "accepted"
    assert invitation.get_status_display() == "acceptée"


def test_invitations_last_14_days_by_default(club):
    invitation = Invitation.objects.create(club=club, email="a@x.fr", token_hash="x" * 64)
    assert (
        timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    )


def test_invitation_ttl_can_be_set(club, settings):
    settings.INVITATION_TTL_DAYS = 1
    invitation = Invitation.objects.create(club=club, email="a@x.fr", token_hash="x" * 64)
    assert invitation.expires_at - timezone.now() <= timedelta(days=1)


def test_token_hashes_are_unique(club):
    Invitation.objects.create(club=club, email="a@x.fr", token_hash="x" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(club=club, email="b@x.fr", token_hash="x" * 64)


def test_one_membership_per_user_and_club(member, club):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=member, club=club)


def test_active_clubs_exclude_archived_ones(make_club):
    active, archived = make_club(), make_club(archived=True)
    assert list(Club.objects.active()) == [active]
    assert archived in Club.objects.all()


def test_labels_are_french(club, member):
    membership = Membership.objects.get(user=member)
    assert membership.get_role_display() == "membre"
    assert club.get_visibility_display() == "Visible dans l'annuaire"
    assert Club._meta.get_field("profession").choices[0] == (
        "secretaire_mairie",
        "Secrétaires de mairie",
    )
    assert MembershipEvent.Kind.BANNED.label == "exclusion"
