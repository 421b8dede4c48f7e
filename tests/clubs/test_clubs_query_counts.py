"""List pages run the same number of queries whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clubs.models import Club, Membership, Role

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_members(club, make_user, count: int) -> None:
    for _ in range(count):
        Membership.objects.create(user=make_user(), club=club)


def add_clubs(make_user, count: int, viewer) -> None:
    for n in range(count):
        club = Club.objects.create(
            name=f"Club n°{Club.objects.count() + n}", slug=f"c-{n}-{Club.objects.count()}"
        )
        Membership.objects.create(user=make_user(), club=club, role=Role.OWNER)
        Membership.objects.create(user=viewer, club=club)


def test_the_members_list_costs_the_same_for_5_and_45_members(client, club, owner, make_user):
    client.force_login(owner)
    url = reverse("clubs:members", args=[club.slug])
    add_members(club, make_user, 5)
    small = queries_for(client, url)
    add_members(club, make_user, 40)
    assert queries_for(client, url) == small


def test_the_clubs_directory_costs_the_same_for_3_and_30_clubs(client, make_user):
    viewer = make_user("lectrice@exemple.fr")
    client.force_login(viewer)
    add_clubs(make_user, 3, viewer)
    small = queries_for(client, reverse("clubs:directory"))
    add_clubs(make_user, 27, viewer)
    assert queries_for(client, reverse("clubs:directory")) == small


def test_the_dashboard_costs_the_same_for_3_and_30_clubs(client, make_user):
    viewer = make_user("lectrice@exemple.fr")
    client.force_login(viewer)
    add_clubs(make_user, 3, viewer)
    small = queries_for(client, reverse("home"))
    add_clubs(make_user, 27, viewer)
    assert queries_for(client, reverse("home")) == small


def test_the_moderation_pages_cost_the_same_at_two_sizes(client, club, owner, make_user):
    from clubs import actions

    client.force_login(owner)
    pages = [
        reverse("clubs:moderation", args=[club.slug]),
        reverse("clubs:invitations", args=[club.slug]),
        reverse("clubs:audit_log", args=[club.slug]),
        reverse("clubs:bans", args=[club.slug]),
    ]

    def grow(count):
        for _ in range(count):
            person = make_user()
            actions.request_to_join(user=person, club=club)
            actions.invite_member(actor=owner, club=club, email=f"x{person.pk}@exemple.fr")
            actions.ban_member(actor=owner, club=club, user=make_user(), reason="test")

    grow(2)
    small = [queries_for(client, url) for url in pages]
    grow(12)
    assert [queries_for(client, url) for url in pages] == small
