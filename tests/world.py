"""A club with people in every situation and an object for every `<int:pk>` of its pages,
and the walk of the resolver's URLs: the permission matrix and the two-factor gate both request
every page of the site as each kind of person."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from clubs.models import Role, Visibility
from messaging import actions

CONTENT_MARKER = "Marqueur Contenu Privé"


def all_routes():
    """(route, name) of every URL pattern of the resolver, included ones too."""

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern):
                yield route, f"{namespace}{entry.name}"

    return list(walk(get_resolver().url_patterns))


def club_scoped_routes():
    """(route, name) of every URL that takes the club's slug, staff pages aside."""

    return [
        (route, name)
        for route, name in all_routes()
        if "<slug:slug>" in route and not name.startswith("clubs:staff")
    ]


def build_world(
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


THREAD_PAGES = ["thread", "reply", "thread_preview", "subscription", "pin", "lock", "move"]
THREAD_PAGES = [*THREAD_PAGES, "unaccept"]
THREAD_PAGES = [*(f"messaging:{name}" for name in THREAD_PAGES), "promote_thread"]
POST_PAGES = ["post", "edit_post", "post_history", "delete_post", "hide_post", "restore_post"]
POST_PAGES = [f"messaging:{name}" for name in [*POST_PAGES, "react", "accept", "report"]]


def discussion(club, author, people, settings, tmp_path):
    """A thread by `author` with an answer carrying an image, and a report on that answer."""
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
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def build_url(route: str, name: str, world) -> str:
    path = route.replace("<slug:slug>", world["club"].slug)
    # A later page with an object id of its own gets an id that exists nowhere: still a 404 for
    # outsiders, which is what the matrix proves for it.
    path = re.sub(r"<int:\w+>", str(world["pks"].get(name, 987654)), path)
    return "/" + path
