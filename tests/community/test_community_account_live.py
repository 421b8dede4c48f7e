"""Ending an account's sessions closes their live pages (websockets): account deletion, « log
out everywhere », a new password."""

import pytest
from allauth.usersessions.models import UserSession
from channels.db import database_sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from live_sessions import logged_in_session, socket_of_session

from community import security
from entrepairs import account_deletion
from messaging.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED

pytestmark = pytest.mark.django_db(transaction=True)
db = database_sync_to_async


@db
def tracked_session(user) -> SessionStore:
    """A logged-in session, listed among the account's sessions as a login would list it."""
    session = logged_in_session(user)
    UserSession.objects.create(
        user=user, session_key=session.session_key, ip="127.0.0.1", user_agent="test"
    )
    return session


async def assert_closed(socket, codes=(CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN)):
    output = await socket.receive_output(timeout=5)
    assert output["type"] == "websocket.close"
    assert output["code"] in codes


async def assert_open(socket):
    await socket.send_json_to({"type": "ping", "id": 1})
    assert (await socket.receive_json_from())["type"] == "pong"
    await socket.disconnect()


async def test_deleting_the_account_closes_every_page_of_it(member, author):
    mine = await socket_of_session(await tracked_session(member))
    also_mine = await socket_of_session(await tracked_session(member))
    theirs = await socket_of_session(await tracked_session(author))
    await db(account_deletion.delete_account)(user=member, erase_posts=False)
    await assert_closed(mine)
    await assert_closed(also_mine)
    await assert_open(theirs)


async def test_log_out_everywhere_closes_the_other_pages_and_keeps_this_one(member):
    here = await tracked_session(member)
    this_page = await socket_of_session(here)
    other_device = await socket_of_session(await tracked_session(member))
    await db(security.end_other_sessions)(member, keep_session_key=here.session_key)
    await assert_closed(other_device, codes=(CLOSE_UNAUTHENTICATED,))
    await assert_open(this_page)


async def test_a_new_password_closes_the_pages_of_the_other_sessions(member):
    other_device = await socket_of_session(await tracked_session(member))

    @db
    def change_password():
        browser = Client()
        browser.post(
            reverse("account_login"),
            {"login": member.email, "password": "motdepasse-solide-42"},
        )
        response = browser.post(
            reverse("account_change_password"),
            {
                "oldpassword": "motdepasse-solide-42",
                "password1": "un-tout-nouveau-secret-7",
                "password2": "un-tout-nouveau-secret-7",
            },
        )
        assert response.status_code == 302

    await change_password()
    await assert_closed(other_device, codes=(CLOSE_UNAUTHENTICATED,))
