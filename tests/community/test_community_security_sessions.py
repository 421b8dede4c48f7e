"""A password change ends the member's other sessions: their next HTTP request is logged out
and their open pages' websockets close, whichever way the password changed."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse
from live_sessions import page_socket

from messaging.consumers import CLOSE_UNAUTHENTICATED

pytestmark = pytest.mark.django_db(transaction=True)
db = database_sync_to_async
OLD_PASSWORD = "ancien-mot-de-passe-42"
NEW_PASSWORD = "nouveau-mot-de-passe-97"


def logged_in_browser(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


async def open_socket(browser: Client) -> WebsocketCommunicator:
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    socket = page_socket(cookie.encode())
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"
    return socket


async def assert_closed_as_logged_out(socket):
    assert await socket.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHENTICATED,
    }


@db
def is_logged_out(browser: Client) -> bool:
    response = browser.get(reverse("home"))
    return response.status_code == 200 and "Bonjour" not in response.content.decode()


@pytest.fixture
def member_with_password(member):
    member.set_password(OLD_PASSWORD)
    member.save()
    return member


async def test_a_new_password_logs_out_the_other_sessions_and_closes_their_pages(member):
    other_device = await db(logged_in_browser)(member)
    socket = await open_socket(other_device)

    @db
    def change_password():  # the mechanism every way of changing it goes through
        member.set_password(NEW_PASSWORD)
        member.save()

    await change_password()
    await assert_closed_as_logged_out(socket)
    assert await is_logged_out(other_device)


async def test_the_account_page_s_password_change_ends_every_other_session(member_with_password):
    this_device = await db(logged_in_browser)(member_with_password)
    other_device = await db(logged_in_browser)(member_with_password)
    other_socket = await open_socket(other_device)
    this_socket = await open_socket(this_device)

    response = await db(this_device.post)(
        reverse("account_change_password"),
        {"oldpassword": OLD_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    await assert_closed_as_logged_out(other_socket)
    assert await is_logged_out(other_device)
    # The device that changed the password stays logged in under a new session key: the old
    # key's socket closes, and the page the form leads to opens a new one.
    await assert_closed_as_logged_out(this_socket)
    assert not await is_logged_out(this_device)


async def test_saving_other_fields_does_not_disturb_open_pages(member):
    device = await db(logged_in_browser)(member)
    socket = await open_socket(device)

    @db
    def rename():
        member.first_name = "Claire-Marie"
        member.save()

    await rename()
    await socket.send_json_to({"type": "ping", "id": 2})
    assert (await socket.receive_json_from(timeout=5))["type"] == "pong"
    await socket.disconnect()
