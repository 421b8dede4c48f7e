"""The site as deployed: nginx configured by deploy/nginx.conf in front of daphne run with the
options of deploy/entrepairs-daphne@.service, on loopback. A client that sends its own
X-Forwarded-For is still counted by its real address; the live websocket opens through the
proxy from the site's origin (SITE_URL) only; a thread page comes gzip-compressed to a browser
that accepts it."""

import asyncio
import gzip
import json
import os
import re

import pytest
import requests
import websockets
from system_members import Member, csrf_of, run_async
from system_servers import (
    DaphneProcess,
    NginxProcess,
    daphne_options_of_the_unit,
    free_port,
    nginx_or_skip,
)
from websockets.typing import Origin

pytestmark = pytest.mark.system

PASSWORD = os.environ.get("DEMO_PASSWORD", "entrepairs-demo")

# ACCOUNT_RATE_LIMITS["login_failed"]: 10 failed logins a minute from one address.
FAILED_LOGINS_PER_ADDRESS = 10
TOO_MANY = "Trop de tentatives de connexion échouées"


@pytest.fixture
def site_behind_nginx(server_env, tmp_path):
    """nginx's address; the site's limits counted apart from the other tests' servers."""
    executable = nginx_or_skip()
    port = free_port()
    env = {
        **server_env,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "REDIS_PREFIX": f"entrepairs-nginx-{os.getpid()}-{tmp_path.name}",
    }
    daphne = DaphneProcess(env, tmp_path / "daphne.log", options=daphne_options_of_the_unit())
    try:
        nginx = NginxProcess(executable, tmp_path / "nginx", [f"127.0.0.1:{daphne.port}"], port)
    except Exception:
        daphne.stop()
        raise
    yield nginx
    nginx.stop()
    daphne.stop()


def test_a_client_forging_x_forwarded_for_is_still_limited_by_its_own_address(site_behind_nginx):
    login_url = f"{site_behind_nginx.url}/comptes/login/"
    browser = requests.Session()
    token = csrf_of(browser.get(login_url, timeout=10))
    answers = []
    for n in range(1, FAILED_LOGINS_PER_ADDRESS + 2):
        answers.append(
            browser.post(
                login_url,
                # Another address each time, and another account (its own limit stays far).
                data={
                    "login": f"inconnu{n}@exemple.fr",
                    "password": "pas-le-bon-mot-de-passe",
                    "csrfmiddlewaretoken": token,
                },
                headers={"X-Forwarded-For": f"1.2.3.{n}", "Referer": login_url},
                timeout=10,
            )
        )
    assert [answer.status_code for answer in answers] == [200] * len(answers)
    assert not any(TOO_MANY in answer.text for answer in answers[:FAILED_LOGINS_PER_ADDRESS])
    assert TOO_MANY in answers[-1].text


def test_the_live_websocket_opens_through_nginx_from_the_site_origin_only(site_behind_nginx):
    site = site_behind_nginx.url
    member = Member(site, "secretaire@demo.test", PASSWORD)

    async def first_answer(origin: str):
        """The first frame's type, or the handshake's status when it is refused."""
        try:
            async with websockets.connect(
                site.replace("http://", "ws://") + "/ws/live/",
                additional_headers={"Cookie": member.cookie()},
                origin=Origin(origin),
                open_timeout=10,
            ) as socket:
                return json.loads(await asyncio.wait_for(socket.recv(), 10))["type"]
        except websockets.exceptions.InvalidStatus as refused:
            return refused.response.status_code

    assert run_async(first_answer(site)) == "hello"
    assert run_async(first_answer(f"http://127.0.0.1:{site_behind_nginx.port + 1}")) == 403
    assert run_async(first_answer(site.replace("http://", "https://"))) == 403


def test_a_thread_page_comes_gzip_compressed_when_the_browser_accepts_it(site_behind_nginx):
    site = site_behind_nginx.url
    member = Member(site, "secretaire@demo.test", PASSWORD)
    club = member.get("/clubs/secretaires-de-mairie/")
    assert club.status_code == 200, club.status_code
    thread = re.search(r'href="(/clubs/secretaires-de-mairie/fils/\d+/)', club.text).group(1)

    def fetched(encoding: str) -> tuple[requests.Response, bytes]:
        # stream=True and raw: the body as it travelled, not decoded by requests.
        response = member.session.get(
            site + thread, headers={"Accept-Encoding": encoding}, stream=True, timeout=10
        )
        return response, response.raw.read()

    plain, plain_bytes = fetched("identity")
    compressed, compressed_bytes = fetched("gzip")
    assert plain.headers.get("Content-Encoding") is None
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    page = gzip.decompress(compressed_bytes).decode()
    assert "<article" in page and 'name="csrfmiddlewaretoken"' in page
    # Django masks the CSRF token afresh in each response (what makes BREACH harmless here).
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(page).group(1) != token.search(plain_bytes.decode()).group(1)
    print(f"thread page: {len(plain_bytes):,} bytes, gzip {len(compressed_bytes):,} bytes")
    assert len(compressed_bytes) < len(plain_bytes) / 3
