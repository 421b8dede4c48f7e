"""The site served by a real daphne process: pages, login, health check and websocket."""

import asyncio
import json
import os
import re

import pytest
import requests
import websockets
from system_members import run_async
from websockets.exceptions import WebSocketException

pytestmark = pytest.mark.system


def login(base_url: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base_url}/comptes/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
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


def test_a_demo_account_logs_in_and_pings_over_a_websocket(daphne_server):
    password = os.environ.get("DEMO_PASSWORD", "entrepairs-demo")
    session = login(daphne_server, "secretaire@demo.test", password)
    dashboard = session.get(f"{daphne_server}/", timeout=10)
    assert "Bonjour, Claire Martin" in dashboard.text

    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    ws_url = daphne_server.replace("http://", "ws://") + "/ws/live/"

    async def ping():
        async with websockets.connect(
            ws_url, additional_headers={"Cookie": cookie}, origin=daphne_server
        ) as socket:
            await socket.recv()  # hello
            await socket.send(json.dumps({"type": "ping", "id": 1}))
            return json.loads(await asyncio.wait_for(socket.recv(), 5))

    assert run_async(ping()) == {"type": "pong", "id": 1}


def test_a_websocket_without_session_is_closed_by_a_real_server(daphne_server):
    ws_url = daphne_server.replace("http://", "ws://") + "/ws/live/"

    async def connect():
        async with websockets.connect(ws_url, origin=daphne_server) as socket:
            await socket.recv()

    with pytest.raises(WebSocketException):
        run_async(connect())
