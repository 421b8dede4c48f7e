"""The permission matrix: every club-scoped URL × every kind of visitor.

URLs are collected from the resolver (any route with a `<slug:slug>` argument that is not a
staff page), so a page added later is covered without editing this test. Each URL is requested
with GET; a URL that answers the owner's GET with 405 is POST-only and requested with POST.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from world import CONTENT_MARKER, build_url, club_scoped_routes

from clubs.models import Visibility

# What each kind of visitor must get, by family of page.
MEMBERS_ONLY = {"member": 200, "moderator": 200, "owner": 200}
MODERATION = {"moderator": 200, "owner": 200, "staff": 200, "member": 403}


ROUTES = club_scoped_routes()


@pytest.fixture
def world(club_world):
    return club_world


def test_the_matrix_covers_the_club_pages():
    names = {name for _, name in ROUTES}
    assert {"clubs:detail", "clubs:members", "clubs:moderation", "clubs:audit_log"} <= names


# Pages about one thread or post, where members, moderators and staff get different answers
# (the thread and its post were written by another member). Anyone else: 404.
M, MOD, ST = "member", "moderator", "staff"
SPECIFIC = {
    "messaging:thread": {M: 200, MOD: 200},
    "messaging:reply": {M: 400, MOD: 400},  # an empty form: the thread page, the error shown
    "messaging:thread_preview": {M: 200, MOD: 200},  # the preview of a reply, in JSON
    "messaging:preview": {M: 200, MOD: 200},  # of a new thread or an edit
    "messaging:subscription": {M: 302, MOD: 302},
    "messaging:pin": {M: 403, MOD: 302},
    "messaging:lock": {M: 403, MOD: 302},
    "messaging:move": {M: 403, MOD: 200},
    "messaging:unaccept": {M: 403, MOD: 302},
    "messaging:post": {M: 302, MOD: 302},  # the permalink redirects into the thread
    "messaging:edit_post": {M: 403, MOD: 403},  # only its author edits a post
    "messaging:post_history": {M: 200, MOD: 200},
    "messaging:delete_post": {M: 403, MOD: 403},
    "messaging:hide_post": {M: 403, MOD: 200},
    "messaging:restore_post": {M: 403, MOD: 302},
    "messaging:react": {M: 302, MOD: 302},
    "messaging:accept": {M: 403, MOD: 302},
    "messaging:report": {M: 200, MOD: 200},
    "promote_thread": {M: 403, MOD: 403},  # staff only (and staff outside the club: 404)
    "messaging:attachment": {M: 200, MOD: 200},
    "messaging:attachment_preview": {M: 200, MOD: 200},
    # Reports quote posts: staff who are not members of the club see none of them.
    "messaging:reports": {M: 403, MOD: 200, ST: 404},
    "messaging:resolve_report": {M: 403, MOD: 302, ST: 404},
}


def expected_status(name: str, role: str, post_only: bool) -> int:
    ok = 302 if post_only else 200
    if role == "anonymous":
        return 302
    if name in SPECIFIC:
        answers = SPECIFIC[name]
        by_role = {"member": answers[M], "moderator": answers[MOD], "owner": answers[MOD]}
        if ST in answers:
            by_role["staff"] = answers[ST]
        return by_role.get(role, 404)
    if name == "clubs:detail":  # a listed club's public face, for every logged-in person
        return 200
    if name == "clubs:request_join":
        return 302  # always answers with a message on the club page
    if name == "clubs:withdraw_request":
        return 404  # nobody here has a pending request
    if "moderation/" in dict((n, r) for r, n in ROUTES)[name]:
        return {**MODERATION, "moderator": ok, "owner": ok, "staff": ok}.get(role, 404)
    return {k: ok for k in MEMBERS_ONLY}.get(role, 404)


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
