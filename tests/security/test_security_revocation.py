"""One path for losing access. However a membership ends — leaving, a removal or a ban on the
site, the same in the Django admin, a row deleted from the shell, the account deactivated or
deleted — the same thing follows (community.domain_events, `access_ended`): the person's open
pages stop receiving the club at once, their follows end, what they were told about the club is
dropped (no email, digest entry or unread count leads back there), and later replies tell them
nothing."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse
from live_sessions import frames_within, next_event, open_socket, subscribed

from clubs import actions as club_actions
from clubs.models import Ban, Membership, Role
from entrepairs import account_deletion
from messaging import actions as messaging_actions
from messaging.models import ThreadSubscription
from notifications.models import Notification


def _membership(user, club):
    return Membership.objects.get(user=user, club=club)


def _admin_action(admin, model: str, action: str, pk: int) -> None:
    browser = Client()
    browser.force_login(admin)
    response = browser.post(
        reverse(f"admin:clubs_{model}_changelist"),
        {"action": action, "_selected_action": [pk]},
        follow=True,
    )
    assert response.status_code == 200


def _deactivate(user) -> None:
    user.is_active = False
    user.save()


#: Each way a person loses access to `club`: (name, function of the world).
PATHS = {
    "leaving": lambda w: club_actions.leave_club(user=w.member, club=w.club),
    "removal": lambda w: club_actions.remove_member(
        actor=w.moderator, membership=_membership(w.member, w.club)
    ),
    "ban": lambda w: club_actions.ban_member(actor=w.moderator, club=w.club, user=w.member),
    "removal in the admin": lambda w: _admin_action(
        w.superuser, "membership", "remove_from_club", _membership(w.member, w.club).pk
    ),
    "ban in the admin": lambda w: _admin_action(
        w.superuser, "membership", "ban_from_club", _membership(w.member, w.club).pk
    ),
    "row deleted from the shell": lambda w: _membership(w.member, w.club).delete(),
    "deactivation": lambda w: _deactivate(w.member),
    "account deletion": lambda w: account_deletion.delete_account(user=w.member, erase_posts=False),
}


class World:
    def __init__(self, **people):
        self.__dict__.update(people)


@pytest.fixture
def world(member, moderator, author, club, other_club, make_membership, make_user, make_thread):
    make_membership(member, other_club)
    return World(
        member=member,
        moderator=moderator,
        author=author,
        club=club,
        other_club=other_club,
        superuser=make_user("racine@gip.fr", is_staff=True, is_superuser=True),
        thread=make_thread(club, author, title="Fil suivi"),
        elsewhere=make_thread(other_club, member, title="Fil d'un autre club"),
    )


def _member_follows_and_is_told(world, run_on_commit) -> None:
    """The member follows a thread of the club and has unread news of both clubs."""
    messaging_actions.set_subscription(
        user=world.member, thread=world.thread, level=ThreadSubscription.Level.FOLLOW
    )
    with run_on_commit():
        messaging_actions.post_reply(author=world.author, thread=world.thread, source="Réponse 1")
        messaging_actions.post_reply(
            author=world.other_club_member, thread=world.elsewhere, source="Ailleurs"
        )


@pytest.fixture
def told_world(world, make_user, make_membership, run_on_commit):
    world.other_club_member = make_user()
    make_membership(world.other_club_member, world.other_club)
    _member_follows_and_is_told(world, run_on_commit)
    assert Notification.objects.filter(recipient=world.member, club=world.club).exists()
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_losing_access_ends_follows_and_drops_what_the_member_was_told(
    path, told_world, run_on_commit
):
    world = told_world
    with run_on_commit():
        PATHS[path](world)

    member_id = world.member.pk
    assert not ThreadSubscription.objects.filter(user_id=member_id, thread__club=world.club)
    assert not Notification.objects.filter(recipient_id=member_id, club=world.club)

    with run_on_commit():
        messaging_actions.post_reply(author=world.author, thread=world.thread, source="Réponse 2")
    assert not Notification.objects.filter(recipient_id=member_id, club=world.club)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["leaving", "removal", "ban", "ban in the admin"])
def test_losing_one_club_keeps_what_concerns_the_others(path, told_world, run_on_commit):
    with run_on_commit():
        PATHS[path](told_world)
    assert Notification.objects.filter(recipient=told_world.member, club=told_world.other_club)
    assert ThreadSubscription.objects.filter(
        user=told_world.member, thread=told_world.elsewhere
    ).exists()


@pytest.mark.django_db
def test_a_ban_in_the_admin_deletes_the_membership_and_is_audited(world, run_on_commit):
    with run_on_commit():
        PATHS["ban in the admin"](world)
    assert not Membership.objects.filter(user=world.member, club=world.club).exists()
    ban = Ban.objects.get(user=world.member, club=world.club)
    assert ban.banned_by == world.superuser
    assert world.club.events.filter(kind="banned", target_user=world.member).exists()


@pytest.mark.django_db
def test_after_a_ban_in_the_admin_the_unread_counts_leave_the_club_out(
    world, client_for, run_on_commit
):
    def unread_by_club() -> dict:
        return client_for(world.member).get(reverse("messaging:unread_counts")).json()["clubs"]

    assert str(world.club.pk) in unread_by_club()  # the thread is unread before the ban
    with run_on_commit():
        PATHS["ban in the admin"](world)
    assert str(world.club.pk) not in unread_by_club()


@pytest.mark.django_db
def test_the_admin_cannot_add_change_or_delete_memberships_and_bans_by_hand(world, make_ban):
    browser = Client()
    browser.force_login(world.superuser)
    membership = _membership(world.member, world.club)
    ban = make_ban(world.author, world.club)
    assert browser.get(reverse("admin:clubs_membership_add")).status_code == 403
    assert browser.get(reverse("admin:clubs_ban_add")).status_code == 403
    for url in (
        reverse("admin:clubs_membership_delete", args=[membership.pk]),
        reverse("admin:clubs_ban_delete", args=[ban.pk]),
    ):
        assert browser.post(url, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert Ban.objects.filter(pk=ban.pk).exists()


@pytest.mark.django_db
def test_the_admin_says_why_the_last_owner_cannot_be_removed(world, owner, run_on_commit):
    browser = Client()
    browser.force_login(world.superuser)
    response = browser.post(
        reverse("admin:clubs_membership_changelist"),
        {"action": "remove_from_club", "_selected_action": [_membership(owner, world.club).pk]},
        follow=True,
    )
    assert "Le club doit garder au moins un·e propriétaire." in response.content.decode()
    assert Membership.objects.filter(user=owner, club=world.club, role=Role.OWNER).exists()


@pytest.mark.django_db
def test_lifting_a_ban_in_the_admin_goes_through_the_action(world, make_ban):
    ban = make_ban(world.author, world.club)
    _admin_action(world.superuser, "ban", "lift", ban.pk)
    assert not Ban.objects.filter(pk=ban.pk).exists()
    assert world.club.events.filter(kind="unbanned", target_user=world.author).exists()


@pytest.mark.django_db
def test_deleting_an_account_in_the_admin_goes_through_account_deletion(world, media_root):
    browser = Client()
    browser.force_login(world.superuser)
    url = reverse("admin:community_user_delete", args=[world.member.pk])
    response = browser.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert not type(world.member).objects.filter(pk=world.member.pk).exists()
    # Their posts stay, signed « Ancien membre », as when a member deletes their own account.
    assert world.elsewhere.posts.get().author is None


@pytest.mark.django_db
def test_the_admin_offers_no_deletion_of_the_only_owner_of_a_club(world, owner, make_user):
    browser = Client()
    browser.force_login(world.superuser)
    url = reverse("admin:community_user_delete", args=[owner.pk])
    response = browser.post(url, {"post": "yes"})
    assert response.status_code == 403
    assert type(owner).objects.filter(pk=owner.pk).exists()


# --- Open pages ---------------------------------------------------------------------------------

db = database_sync_to_async


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", PATHS)
async def test_losing_access_stops_the_open_page_at_once(path, world):
    socket = await subscribed(world.member, world.club)
    await db(PATHS[path])(world)
    first = await _first_output_after_badges(socket)
    assert first["type"] == "websocket.close" or (
        first["type"] == "websocket.send" and '"unsubscribed"' in first["text"]
    )
    await db(messaging_actions.post_reply)(
        author=world.author, thread=world.thread, source="Après la perte d'accès"
    )
    if first["type"] == "websocket.send":
        assert "event" not in [frame["type"] for frame in await frames_within(socket, 0.5)]
        await socket.disconnect()


async def _first_output_after_badges(socket) -> dict:
    """The page's first output other than a badge update: what the member was told of the
    club is dropped at the same time, in whichever order the handlers' messages arrive."""
    while True:
        output = await socket.receive_output(timeout=5)
        if not (output["type"] == "websocket.send" and '"notifications"' in output["text"]):
            return output


@pytest.mark.django_db(transaction=True)
async def test_a_member_who_keeps_access_still_receives_the_club(world):
    """The control of the test above: the same page, with no loss of access, gets the reply."""
    socket = await open_socket(world.member)
    await socket.send_json_to({"type": "subscribe", "stream": f"club.{world.club.pk}"})
    assert (await socket.receive_json_from())["type"] == "subscribed"
    await db(messaging_actions.post_reply)(
        author=world.author, thread=world.thread, source="Toujours là"
    )
    assert (await next_event(socket))["event"] == "post.created"
    await socket.disconnect()
