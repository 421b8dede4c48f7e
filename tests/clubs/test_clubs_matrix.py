"""The permission matrix: every club-scoped URL × every kind of visitor.

URLs are collected from the resolver (any route with a `<slug:slug>` argument that is not a
staff page), so a page added later is covered without editing this test. Each URL is requested
with GET; a URL that answers the owner's GET with 405 is POST-only and requested with POST.
"""

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver

from clubs.models import Role, Visibility

CONTENT_MARKER = "Marqueur Contenu Privé"

# What each kind of visitor must get, by family of page.
MEMBERS_ONLY = {"member": 200, "moderator": 200, "owner": 200}
MODERATION = {"moderator": 200, "owner": 200, "staff": 200, "member": 403}


def club_scoped_routes():
    """(route, name) of every URL that takes the club's slug, staff pages aside."""

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern) and "<slug:slug>" in route:
                yield route, f"{namespace}{entry.name}"

    return [(r, n) for r, n in walk(get_resolver().url_patterns) if not n.startswith("clubs:staff")]


ROUTES = club_scoped_routes()


def test_the_matrix_covers_the_club_pages():
    names = {name for _, name in ROUTES}
    assert {"clubs:detail", "clubs:members", "clubs:moderation", "clubs:audit_log"} <= names


def expected_status(name: str, role: str, post_only: bool) -> int:
    ok = 302 if post_only else 200
    if role == "anonymous":
        return 302
    if name == "clubs:detail":  # a listed club's public face, for every logged-in person
        return 200
    if name == "clubs:request_join":
        return 302  # always answers with a message on the club page
    if name == "clubs:withdraw_request":
        return 404  # nobody here has a pending request
    if "moderation/" in dict((n, r) for r, n in ROUTES)[name]:
        return {**MODERATION, "moderator": ok, "owner": ok, "staff": ok}.get(role, 404)
    return {k: ok for k in MEMBERS_ONLY}.get(role, 404)


@pytest.fixture
def world(make_user, make_club, make_membership, make_invitation, make_join_request, make_ban):
    """A listed club with people in every situation, and objects for every `<int:pk>`."""
    club = make_club("Club des archivistes", slug="archivistes", visibility=Visibility.LISTED)
    other = make_club("Autre club", slug="autre")
    people = {
        "nonmember": make_user("dehors@exemple.fr"),
        "other_club_moderator": make_user("autre@exemple.fr"),
        "removed": make_user("parti@exemple.fr"),
        "banned": make_user("exclu@exemple.fr"),
        "member": make_user("membre@exemple.fr"),
        "moderator": make_user("moderatrice@exemple.fr"),
        "owner": make_user("proprietaire@exemple.fr"),
        "staff": make_user("equipe@exemple.fr", is_staff=True),
    }
    make_membership(people["other_club_moderator"], other, Role.MODERATOR)
    make_membership(people["member"], club, Role.MEMBER)
    make_membership(people["moderator"], club, Role.MODERATOR)
    make_membership(people["owner"], club, Role.OWNER)
    make_membership(make_user("cible@exemple.fr"), club, Role.MEMBER)
    make_membership(make_user("marqueur@exemple.fr", display_name=CONTENT_MARKER), club)
    make_ban(people["banned"], club)
    removed = make_membership(people["removed"], club)
    removed.delete()
    invitation, _raw = make_invitation(club, "invitee@exemple.fr")
    join_request = make_join_request(make_user("demandeuse@exemple.fr"), club)
    target = club.memberships.get(user__email="cible@exemple.fr")
    ban = club.bans.get()
    return {
        "club": club,
        "people": people,
        "pks": {
            "clubs:invitation_resend": invitation.pk,
            "clubs:invitation_revoke": invitation.pk,
            "clubs:join_request_decide": join_request.pk,
            "clubs:member_role": target.pk,
            "clubs:member_remove": target.pk,
            "clubs:member_ban": target.pk,
            "clubs:unban": ban.pk,
        },
    }


def build_url(route: str, name: str, world) -> str:
    path = route.replace("<slug:slug>", world["club"].slug)
    # A later page with an object id of its own gets an id that exists nowhere: still a 404 for
    # outsiders, which is what the matrix proves for it.
    path = re.sub(r"<int:\w+>", str(world["pks"].get(name, 987654)), path)
    return "/" + path


def request(client, url: str, post: bool):
    return client.post(url, {}) if post else client.get(url)


ROLES = [
    "anonymous",
    "nonmember",
    "other_club_moderator",
    "removed",
    "banned",
    "member",
    "moderator",
    "owner",
    "staff",
]
SEES_CONTENT = {"member", "moderator", "owner"}


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[name for _, name in ROUTES])
@pytest.mark.parametrize("role", ROLES)
def test_every_club_url_answers_each_visitor_as_the_rules_say(client, world, route, name, role):
    url = build_url(route, name, world)
    probe = client
    probe.force_login(world["people"]["owner"])
    post_only = probe.get(url).status_code == 405
    probe.logout()
    if role != "anonymous":
        client.force_login(world["people"][role])

    response = request(client, url, post_only)

    expected = expected_status(name, role, post_only)
    assert response.status_code == expected, f"{role} {url}: {response.status_code}"
    if role == "anonymous":
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    if role not in SEES_CONTENT:
        assert CONTENT_MARKER not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(SEES_CONTENT))
def test_members_see_the_club_content_that_outsiders_do_not(client, world, role):
    client.force_login(world["people"][role])
    assert CONTENT_MARKER in client.get("/clubs/archivistes/membres/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[name for _, name in ROUTES])
@pytest.mark.parametrize("role", ["nonmember", "other_club_moderator", "removed", "banned"])
def test_a_secret_club_does_not_exist_for_outsiders(client, world, route, name, role):
    club = world["club"]
    club.visibility = Visibility.SECRET
    club.save()
    client.force_login(world["people"][role])
    url = build_url(route, name, world)
    response = client.post(url, {}) if client.get(url).status_code == 405 else client.get(url)
    assert response.status_code == 404
    assert club.name not in response.content.decode()
