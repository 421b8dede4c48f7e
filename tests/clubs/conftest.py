"""Factory fixtures for the clubs tests."""

import pytest

from clubs import actions
from clubs.models import Ban, Club, Invitation, JoinRequest, Role
from clubs.tokens import new_token
from community.models import User


@pytest.fixture
def make_invitation(db):
    """An invitation created directly (no email); returns (invitation, raw token)."""

    def make(club: Club, email: str, **kw) -> tuple[Invitation, str]:
        raw, token_hash = new_token()
        return Invitation.objects.create(club=club, email=email, token_hash=token_hash, **kw), raw

    return make


@pytest.fixture
def make_join_request(db):
    def make(user: User, club: Club, **kw) -> JoinRequest:
        return JoinRequest.objects.create(user=user, club=club, **kw)

    return make


@pytest.fixture
def make_ban(db):
    def make(user: User, club: Club, **kw) -> Ban:
        return Ban.objects.create(user=user, club=club, **kw)

    return make


@pytest.fixture
def invite(moderator, club, run_on_commit):
    """Invite an address as the club's moderator, sending the email; returns (invitation, raw)."""

    def do(email: str, role: str = Role.MEMBER):
        with run_on_commit():
            return actions.invite_member(actor=moderator, club=club, email=email, role=role)

    return do
