"""seed_demo creates the demo accounts, and running it twice changes nothing."""

import pytest
from django.apps import apps
from django.urls import reverse

from clubs import actions
from clubs.models import Ban, Club, Membership, Role
from community.demo import DEMO_ACCOUNTS
from community.models import User
from entrepairs.models import DemoSeed
from messaging.models import Thread

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every row of the project's own apps and of the page tree, as plain values."""
    labels = {
        "community",
        "clubs",
        "messaging",
        "notifications",
        "cms",
        "wagtailcore",
        "account",
        "auth",
        "entrepairs",
    }
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in labels:
            rows[model._meta.label] = sorted(
                tuple(sorted((k, str(v)) for k, v in row.items()))
                for row in model._default_manager.values()
            )
    return rows


def test_seed_demo_runs_where_powers_ask_for_a_second_factor(seed_demo, settings):
    settings.REQUIRE_MFA_FOR_POWERS = True  # as on a fresh clone: `make run` seeds first
    assert "Données de démonstration prêtes." in seed_demo()
    assert settings.REQUIRE_MFA_FOR_POWERS


def test_seed_demo_twice_changes_nothing(seed_demo):
    seed_demo()
    first = snapshot()
    seed_demo()
    assert snapshot() == first


def test_seed_demo_again_never_undoes_what_people_did_in_the_demo(seed_demo):
    seed_demo()
    club = Club.objects.get(slug="secretaires-de-mairie")
    moderator = User.objects.get(email="moderatrice@demo.test")
    banned = User.objects.get(email="thomas.girard@demo.test")
    promoted = Membership.objects.get(club=club, user__email="isabelle.garnier@demo.test")
    actions.ban_member(actor=moderator, club=club, user=banned)
    actions.change_role(actor=moderator, membership=promoted, role=Role.MODERATOR)

    assert "Données de démonstration prêtes." in seed_demo()

    assert Ban.objects.filter(club=club, user=banned).exists()
    assert not Membership.objects.filter(club=club, user=banned).exists()
    promoted.refresh_from_db()
    assert promoted.role == Role.MODERATOR


def test_a_demo_laid_before_the_marks_is_not_laid_again(seed_demo):
    """A database seeded before `DemoSeed` existed has the demo data but no marks: the next run
    marks them laid instead of laying them again over what people did."""
    seed_demo()
    DemoSeed.objects.all().delete()
    club = Club.objects.get(slug="secretaires-de-mairie")
    moderator = User.objects.get(email="moderatrice@demo.test")
    banned = User.objects.get(email="thomas.girard@demo.test")
    removed = Membership.objects.get(club=club, user__email="isabelle.garnier@demo.test")
    actions.ban_member(actor=moderator, club=club, user=banned)
    actions.remove_member(actor=moderator, membership=removed)
    threads = Thread.objects.filter(club=club)
    gone = threads.order_by("pk").first()
    Thread.objects.filter(pk=gone.pk).delete()

    seed_demo()

    assert Ban.objects.filter(club=club, user=banned).exists()
    assert not Membership.objects.filter(club=club, user=banned).exists()
    assert not Membership.objects.filter(pk=removed.pk).exists()
    assert not Thread.objects.filter(club=club, title=gone.title).exists()
    assert DemoSeed.objects.filter(app="clubs").exists()


def test_every_demo_account_logs_in_with_the_demo_password(client, settings, seed_demo):
    seed_demo()
    for account in DEMO_ACCOUNTS:
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": account.email, "password": settings.DEMO_PASSWORD}
        )
        assert response.status_code == 302, account.email
        assert int(client.session["_auth_user_id"]) == User.objects.get(email=account.email).pk


def test_demo_roles_staff_and_superuser(seed_demo):
    seed_demo()
    team = User.objects.get(email="equipe@demo.test")
    admin = User.objects.get(email="admin@demo.test")
    assert team.is_staff and not team.is_superuser
    assert team.has_perm("wagtailadmin.access_admin")
    assert admin.is_superuser
