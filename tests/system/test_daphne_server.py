"""The site served by a real daphne process: pages, login, health check and websocket."""

import asyncio
import json
import os
import re

import pytest
import requests
import websockets
from system_members import run_async
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.typing import Origin

from messaging.consumers import CLOSE_TOO_BIG

pytestmark = pytest.mark.system

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "entrepairs-demo")


def login(base_url: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base_url}/comptes/login/", timeout=10)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, page.text
    token = found.group(1)
    response = session.post(
        f"{base_url}/comptes/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base_url}/comptes/login/"},
        timeout=10,
    )
    response.raise_for_status()
    return session


def test_daphne_serves_the_login_page_and_static_files(daphne_server):
    page = requests.get(f"{daphne_server}/comptes/login/", timeout=10)
    assert page.status_code == 200
    assert "<h1>Connexion</h1>" in page.text
    css = requests.get(f"{daphne_server}/static/css/site.css", timeout=10)
    assert css.status_code == 200
    assert "--brand" in css.text


def test_healthz_is_green_on_a_real_server(daphne_server):
    response = requests.get(f"{daphne_server}/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "channel_layer": "ok"}


def live_socket(base_url: str, session: requests.Session):
    """A websocket to the live layer with the session's cookie (use with `async with`)."""
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    ws_url = base_url.replace("http://", "ws://") + "/ws/live/"
    return websockets.connect(
        ws_url, additional_headers={"Cookie": cookie}, origin=Origin(base_url)
    )


def test_a_demo_account_logs_in_and_pings_over_a_websocket(daphne_server):
    session = login(daphne_server, "secretaire@demo.test", DEMO_PASSWORD)
    dashboard = session.get(f"{daphne_server}/", timeout=10)
    assert "Bonjour, Claire Martin" in dashboard.text

    async def ping():
        async with live_socket(daphne_server, session) as socket:
            await socket.recv()  # hello
            await socket.send(json.dumps({"type": "ping", "id": 1}))
            return json.loads(await asyncio.wait_for(socket.recv(), 5))

    assert run_async(ping()) == {"type": "pong", "id": 1}


def test_a_real_server_closes_a_frame_over_the_limit_as_too_big_not_as_an_error(daphne_server):
    session = login(daphne_server, "secretaire@demo.test", DEMO_PASSWORD)

    async def oversized():
        async with live_socket(daphne_server, session) as socket:
            await socket.recv()  # hello
            await socket.send(json.dumps({"type": "ping", "id": "é" * 40_000}, ensure_ascii=False))
            refusal = json.loads(await asyncio.wait_for(socket.recv(), 5))
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), 5)
            return refusal, closed.value.rcvd.code

    # 1011 would mean that the application failed (and daphne logged its traceback).
    refusal, code = run_async(oversized())
    assert refusal == {"type": "error", "reason": "trame trop grande"}
    assert code == CLOSE_TOO_BIG


def test_a_websocket_without_session_is_closed_by_a_real_server(daphne_server):
    ws_url = daphne_server.replace("http://", "ws://") + "/ws/live/"

    async def connect():
        async with websockets.connect(ws_url, origin="http://127.0.0.1") as socket:
            await socket.recv()

    with pytest.raises(WebSocketException):
        run_async(connect())
