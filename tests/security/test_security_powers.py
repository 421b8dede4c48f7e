"""Two-factor authentication before every power, found by walking the whole site.

Every URL of the resolver whose arguments the club world can fill (and the files only the
editor's people see) is requested by a plain member, then by each kind of power holder:
moderator, owner, GIP staff, a member of the « Relecture » group (the editor) and a superuser
(Django's admin). Wherever the plain member is refused and the power holder is let through, the
same person without a second factor, with the requirement on, must be sent to set it up, and
nothing in the database may change. Wherever the plain member is let through, nobody is sent
there. Every websocket frame type is checked the same way. A page or a frame added later is
covered without editing this test.
"""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from live_sessions import logged_in_session
from wagtail.documents import get_document_model
from world import all_routes

from clubs.models import Role
from cms.editorial import REVIEWERS
from community import after_commit
from entrepairs.asgi import application
from messaging import actions
from messaging.frames import HANDLERS
from messaging.models import Post, Thread

POWER_HOLDERS = ["moderator", "owner", "staff", "editor", "superuser"]
# Rows that a request writes whoever makes it (its session), not what it does.
NOT_AN_EFFECT = {"sessions.Session", "usersessions.UserSession"}


def fillable(route: str) -> bool:
    """Routes whose every argument the world fills: the club's slug and object ids. The
    editor's own pages with an id would all be 404s for an id that exists nowhere: only its
    pages without arguments are walked (the editor is one power, on all its pages alike)."""
    if "(" in route or "^" in route:
        return False
    converters = re.findall(r"<(\w+):\w+>", route)
    if route.startswith("edition/") and converters:
        return False
    return all(converter in ("slug", "int") for converter in converters)


ROUTES = [(route, name) for route, name in all_routes() if fillable(route)]
EXTRA = ["editor_only_document"]


@pytest.fixture
def powers_world(club_world, make_user, settings, client):
    """The club world, its thread locked (a reply in it is a moderator's power), an editor who
    is not staff, a superuser, and a document no guide uses (only the editor's people get it)."""
    people = club_world["people"]
    people["editor"] = make_user("relecture@gip.fr")
    people["editor"].groups.add(Group.objects.get(name=REVIEWERS))
    people["superuser"] = make_user("technique@gip.fr", is_staff=True, is_superuser=True)
    Thread.objects.update(locked=True)
    document = get_document_model()(title="Brouillon")
    document.file.save("brouillon.pdf", ContentFile(b"%PDF-1.4 brouillon"), save=True)
    club_world["extra"] = {"editor_only_document": document.url}
    # A page that fails (Wagtail's own test of its error page, a form it does not check) is an
    # answer like any other here: whether it was let through is what counts.
    client.raise_request_exception = False
    for person in ("member", *POWER_HOLDERS):  # alike but for the power
        TOTP.activate(people[person], generate_totp_secret())
    settings.REQUIRE_MFA_FOR_POWERS = True
    return club_world


def build_path(route: str, name: str, world) -> str:
    path = route.replace("<slug:slug>", world["club"].slug)
    return "/" + re.sub(r"<int:\w+>", str(world["pks"].get(name, 987654)), path)


def fingerprint() -> dict:
    """Every row of the database but the sessions, to prove that nothing was done."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.label not in NOT_AN_EFFECT and not model._meta.proxy
    }


def ask(client, person, url: str, post: bool):
    client.force_login(person)
    return send(client, url, post)


# What a form of the site may ask for, filled as a person would: a POST is judged on what it
# does, not refused for an empty form.
FORM = {
    "source": "Une réponse",
    "client_id": "walk-1",
    "title": "Un titre",
    "reason": "Un motif",
    "note": "",
    "kind": "pouce",
    "level": "follow",
    "on": "1",
    "role": Role.MODERATOR,
    "decision": "approve",
    "message": "",
    "emails": "nouvelle@exemple.fr",
    "name": "Un club",
    "profession": "autre",
    "visibility": "listed",
    "description": "",
}


def send(client, url: str, post: bool):
    return client.post(url, FORM) if post else client.get(url)


def refused(response) -> bool:
    """Not let through: a 403 or 404, a form shown again with its errors (400), a login page
    instead, or an error message instead of the thing done."""
    if response.status_code in (400, 403, 404, 405):
        return True
    if response.status_code == 302 and response["Location"].split("?")[0] in elsewhere():
        return True
    said_now = response.wsgi_request._messages._queued_messages  # not those of earlier pages
    return any(message.level == messages.ERROR for message in said_now)


def elsewhere() -> set[str]:
    """Where a person without the right is sent: a login page, or the admin's front door (its
    answer to a logout by someone who is not in)."""
    logins = (settings.LOGIN_URL, "wagtailadmin_login", "admin:login", "admin:index")
    return {reverse(name) for name in logins}


def sent_to_mfa_setup(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def without_second_factor(person):
    """The person as they would be without their authenticator (undone with the savepoint)."""
    person.authenticator_set.all().delete()
    person.__dict__.pop("_has_second_factor", None)


def try_each_power_holder(client, world, url: str, post: bool):
    """For each power holder: (let through with a second factor, the answer without it, and
    whether the database changed without it). Each try is undone before the next."""
    results = {}
    for holder in POWER_HOLDERS:
        person = world["people"][holder]
        with transaction.atomic():
            let_through = not refused(ask(client, person, url, post))
            transaction.set_rollback(True)
        person.__dict__.pop("_has_second_factor", None)
        with transaction.atomic():
            without_second_factor(person)
            client.force_login(person)  # a login writes its own rows: before the fingerprint
            before = fingerprint()
            answer = send(client, url, post)
            changed = fingerprint() != before
            transaction.set_rollback(True)
        person.__dict__.pop("_has_second_factor", None)
        results[holder] = (let_through, answer, changed)
    return results


def check_url(client, world, url: str) -> set[str]:
    """Check one URL; returns the power holders it gated."""
    post_only = any(
        ask(client, world["people"][probe], url, False).status_code == 405
        for probe in ("owner", "superuser")
    )
    member_refused = refused(ask(client, world["people"]["member"], url, post_only))
    gated = set()
    for holder, (let_through, answer, changed) in try_each_power_holder(
        client, world, url, post_only
    ).items():
        if member_refused and let_through:
            assert sent_to_mfa_setup(answer), f"{holder} {url}: {answer.status_code}"
            assert not changed, f"{holder} {url}: done without a second factor"
            gated.add(holder)
        elif not member_refused:
            assert not sent_to_mfa_setup(answer), f"{holder} {url}: a member's page, gated"
    return gated


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[name for _, name in ROUTES])
def test_every_power_of_every_page_asks_for_a_second_factor_first(
    client, powers_world, route, name
):
    check_url(client, powers_world, build_path(route, name, powers_world))


# The walk must find the powers it is meant to find: if none of these were gated, the walk
# would prove nothing.
EXPECTED_GATES = {
    "messaging:accept": {"moderator", "owner"},
    "messaging:unaccept": {"moderator", "owner"},
    "messaging:reply": {"moderator", "owner"},  # the thread is locked
    "messaging:thread_preview": {"moderator", "owner"},  # the preview of that reply
    "messaging:pin": {"moderator", "owner"},
    "messaging:reports": {"moderator", "owner"},
    "clubs:moderation": {"moderator", "owner", "staff"},
    "clubs:member_ban": {"moderator", "owner", "staff"},
    "clubs:staff_list": {"staff", "superuser"},
    "wagtailadmin_home": {"editor", "superuser"},  # Wagtail lets in those with its permission
    "admin:index": {"superuser"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED_GATES))
def test_the_walk_finds_the_known_powers(client, powers_world, name):
    route = dict((n, r) for r, n in ROUTES)[name]
    gated = check_url(client, powers_world, build_path(route, name, powers_world))
    assert EXPECTED_GATES[name] <= gated


@pytest.mark.django_db
def test_a_document_no_guide_uses_is_an_editor_power(client, powers_world):
    assert check_url(client, powers_world, powers_world["extra"]["editor_only_document"]) == {
        "staff",
        "editor",
        "superuser",
    }


# --- Websocket frames ---------------------------------------------------------------------------

db = database_sync_to_async


def sample_frames(thread: Thread) -> dict[str, dict]:
    """One frame of each type the socket takes, about the world's (locked) thread."""
    stream = after_commit.group_name("club", thread.club_id)
    last = thread.posts.latest("pk")
    return {
        "ping": {"type": "ping", "id": 1},
        "subscribe": {"type": "subscribe", "stream": stream},
        "unsubscribe": {"type": "unsubscribe", "stream": stream},
        "post": {"type": "post", "thread": thread.pk, "client_id": "c-1", "source": "Réponse"},
        "typing": {"type": "typing", "thread": thread.pk},
        "read": {"type": "read", "thread": thread.pk, "post": last.pk},
        "viewing": {"type": "viewing", "thread": thread.pk},
    }


async def answer_to(person, frame: dict) -> dict | None:
    """The socket's first answer to the frame (None: it answers nothing, as for typing: the
    ping sent after it is answered first)."""
    session = await db(logged_in_session)(person)
    socket = WebsocketCommunicator(
        application,
        "/ws/live/",
        headers=[
            (b"origin", settings.SITE_URL.encode()),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()),
        ],
    )
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"
    await socket.send_json_to(frame)
    await socket.send_json_to({"type": "ping", "id": "fin"})
    answer = await socket.receive_json_from(timeout=5)
    await socket.disconnect()
    return None if answer == {"type": "pong", "id": "fin"} else answer


def frame_refused(answer: dict | None) -> bool:
    return answer is not None and answer["type"] == "error"


@pytest.mark.django_db(transaction=True)
async def test_every_frame_type_asks_for_a_second_factor_before_a_power(
    make_user, make_club, make_membership, settings
):
    settings.REQUIRE_MFA_FOR_POWERS = True
    club = await db(make_club)("Archivistes")
    member, moderator = await db(make_user)(), await db(make_user)()
    await db(make_membership)(member, club, Role.MEMBER)
    await db(make_membership)(moderator, club, Role.MODERATOR)
    thread = await db(_locked_thread)(club, moderator)
    frames = await db(sample_frames)(thread)
    assert set(frames) == set(HANDLERS), "a new frame type needs its sample here"

    gated = set()
    for kind, frame in frames.items():
        member_refused = frame_refused(await answer_to(member, frame))
        posts_before = await db(Post.objects.count)()
        without = await answer_to(moderator, {**frame, "client_id": f"sans-{kind}"})
        assert await db(Post.objects.count)() == posts_before, kind
        await db(TOTP.activate)(moderator, generate_totp_secret())
        with_it = await answer_to(moderator, {**frame, "client_id": f"avec-{kind}"})
        await db(moderator.authenticator_set.all().delete)()
        if member_refused and not frame_refused(with_it):
            assert frame_refused(without), kind
            assert "double authentification" in without["reason"], kind
            gated.add(kind)
        else:
            assert not frame_refused(without) or member_refused, kind
    assert gated == {"post"}  # a reply in a locked thread


def _locked_thread(club, moderator) -> Thread:
    thread = actions.start_thread(author=moderator, club=club, title="Fil clos", source="Début")
    Thread.objects.filter(pk=thread.pk).update(locked=True)
    return Thread.objects.select_related("club").get(pk=thread.pk)
