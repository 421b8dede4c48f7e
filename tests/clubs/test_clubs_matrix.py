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


# Pages about one thread or post, where members, moderators and staff get different answers
# (the thread and its post were written by another member). Anyone else: 404.
M, MOD, ST = "member", "moderator", "staff"
SPECIFIC = {
    "messaging:thread": {M: 200, MOD: 200},
    "messaging:reply": {M: 302, MOD: 302},  # an empty form: a message, back to the thread
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


@pytest.fixture
def world(
    make_user,
    make_club,
    make_membership,
    make_invitation,
    make_join_request,
    make_ban,
    settings,
    tmp_path,
):
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
    thread, post, attachment, report = discussion(club, target.user, people, settings, tmp_path)
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
            **{name: thread.pk for name in THREAD_PAGES},
            **{name: post.pk for name in POST_PAGES},
            "messaging:attachment": attachment.pk,
            "messaging:attachment_preview": attachment.pk,
            "messaging:resolve_report": report.pk,
        },
    }


THREAD_PAGES = ["thread", "reply", "subscription", "pin", "lock", "move", "unaccept"]
THREAD_PAGES = [*(f"messaging:{name}" for name in THREAD_PAGES), "promote_thread"]
POST_PAGES = ["post", "edit_post", "post_history", "delete_post", "hide_post", "restore_post"]
POST_PAGES = [f"messaging:{name}" for name in [*POST_PAGES, "react", "accept", "report"]]


def discussion(club, author, people, settings, tmp_path):
    """A thread by `author` with an answer carrying an image, and a report on that answer."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from messaging import actions

    settings.MEDIA_ROOT = tmp_path
    thread = actions.start_thread(
        author=author, club=club, title="Question", source=f"Question de {CONTENT_MARKER}"
    )
    image = SimpleUploadedFile("plan.png", tiny_png(), content_type="image/png")
    post = actions.post_reply(
        author=author, thread=thread, source=f"Réponse : {CONTENT_MARKER}", uploads=[image]
    )
    report = actions.report_post(reporter=people["member"], post=post, reason="Hors sujet")
    return thread, post, post.attachments.get(), report


def tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


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
