"""The demonstration data of clubs."""

import pytest

from clubs import access, demo
from clubs.models import Club, Invitation, JoinRequest, Membership, MembershipEvent, Role
from community import demo as community_demo
from community.models import User

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (User, Club, Membership, Invitation, JoinRequest, MembershipEvent)
    }


def test_the_demo_seeds_clubs_and_a_second_run_changes_nothing():
    logged = []
    community_demo.seed(logged.append)
    demo.seed(logged.append)
    first = snapshot()
    logged.clear()
    demo.seed(logged.append)
    assert snapshot() == first
    assert logged == []

    slugs = set(Club.objects.values_list("slug", flat=True))
    assert {"secretaires-de-mairie", "archivistes", "acheteurs-publics", "referents-rgpd"} <= slugs
    secretaires = Club.objects.get(slug="secretaires-de-mairie")
    assert Membership.objects.get(club=secretaires, user__email="equipe@demo.test").role == (
        Role.OWNER
    )
    assert Membership.objects.get(club=secretaires, user__email="moderatrice@demo.test").role == (
        Role.MODERATOR
    )
    assert Invitation.objects.get(email="nouvelle.secretaire@demo.test").is_usable
    assert JoinRequest.objects.get(user__email="acheteur@demo.test").club.slug == "archivistes"
    rgpd = Club.objects.get(slug="referents-rgpd")
    assert rgpd.is_secret
    secretaire = User.objects.get(email="secretaire@demo.test")
    assert rgpd not in access.clubs_visible_to(secretaire)
    assert access.access_club_content(secretaire, "secretaires-de-mairie")
