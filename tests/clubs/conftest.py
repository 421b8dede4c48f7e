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
def staff(make_user):
    return make_user("equipe@gip.fr", is_staff=True, display_name="Marc Dubois")


@pytest.fixture
def club(make_club):
    return make_club("Secrétaires de mairie", slug="secretaires-de-mairie")


@pytest.fixture
def owner(make_user, make_membership, club):
    user = make_user("proprietaire@mairie.fr", display_name="Odile Propriétaire")
    make_membership(user, club, Role.OWNER)
    return user


@pytest.fixture
def moderator(make_user, make_membership, club):
    user = make_user("moderatrice@mairie.fr", display_name="Nadia Lefèvre")
    make_membership(user, club, Role.MODERATOR)
    return user


@pytest.fixture
def member(make_user, make_membership, club):
    user = make_user("membre@mairie.fr", display_name="Claire Martin")
    make_membership(user, club, Role.MEMBER)
    return user


@pytest.fixture
def outsider(make_user):
    return make_user("exterieur@mairie.fr", display_name="Paul Dehors")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (emails) of the block, as a real commit would."""

    def context():
        return django_capture_on_commit_callbacks(execute=True)

    return context


@pytest.fixture
def invite(moderator, club, run_on_commit):
    """Invite an address as the club's moderator, sending the email; returns (invitation, raw)."""

    def do(email: str, role: str = Role.MEMBER):
        with run_on_commit():
            return actions.invite_member(actor=moderator, club=club, email=email, role=role)

    return do
