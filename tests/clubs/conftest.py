"""Fixtures of the clubs tests (factories of invitations, requests and bans: tests/conftest.py)."""

import pytest

from clubs import actions
from clubs.models import Role


@pytest.fixture
def invite(moderator, club, run_on_commit):
    """Invite an address as the club's moderator, sending the email; returns (invitation, raw)."""

    def do(email: str, role: str = Role.MEMBER):
        with run_on_commit():
            return actions.invite_member(actor=moderator, club=club, email=email, role=role)

    return do
