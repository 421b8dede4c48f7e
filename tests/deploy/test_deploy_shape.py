"""`make deploy-check`: what an installation made from deploy/ does, asserted through nginx only
(docs/deployment.md, "What the deployment check proves")."""

import json
import os
import re
import subprocess

import requests
from shape import MODERATOR, ROOT, Browser, Shape, unit_command

PASSWORD = os.environ.get("DEMO_PASSWORD", "entrepairs-demo")
# ACCOUNT_RATE_LIMITS["login_failed"]: 10 failed logins a minute from one address.
FAILED_LOGINS_PER_ADDRESS = 10
TOO_MANY = "Trop de tentatives de connexion échouées"
CLUB = "secretaires-de-mairie"


def get(shape: Shape, path: str, **kwargs) -> requests.Response:
    return requests.get(shape.url + path, verify=str(shape.cert), timeout=10, **kwargs)


# --- 1. Static files -----------------------------------------------------------------------------


def collected(shape: Shape, name: str) -> str:
    """The collected (hashed) name of a static file, from collectstatic's manifest."""
    manifest = json.loads((shape.prefix / "staticfiles" / "staticfiles.json").read_text())
    return manifest["paths"][name]


def test_static_files_are_served_by_nginx_with_long_cache_headers_and_their_types(shape):
    for name, kind in (("css/site.css", "text/css"), ("js/live.js", "application/javascript")):
        path = f"/static/{collected(shape, name)}"
        answer = get(shape, path)
        assert answer.status_code == 200, (path, answer.status_code)
        assert answer.headers["Content-Type"].startswith(kind)
        assert answer.headers["Server"].startswith("nginx")
        assert "public, immutable" in answer.headers["Cache-Control"]
        assert "max-age=2592000" in answer.headers["Cache-Control"]  # expires 30d
        for daphne in shape.daphnes:  # nginx answered alone
            assert path not in daphne.log_tail(200_000), daphne.name


# --- 2. Health and a stopped process -------------------------------------------------------------


def test_health_answers_through_the_proxy_and_a_stopped_daphne_is_taken_out(shape):
    health = get(shape, "/healthz")
    assert health.status_code == 200
    assert set(health.json()["checks"].values()) == {"ok"}
    stopped = shape.daphnes[0]
    stopped.stop()
    try:
        answers = [get(shape, path).status_code for path in ("/healthz", "/") * 10]
        assert answers == [200] * 20, (answers, shape.nginx_errors())
    finally:
        shape.start_daphne(stopped)


# --- 5. The client's address and the scheme ------------------------------------------------------


def test_a_client_forging_x_forwarded_for_is_still_limited_by_its_own_address(shape):
    login_url = f"{shape.url}/comptes/login/"
    browser = requests.Session()
    page = browser.get(login_url, verify=str(shape.cert), timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answers = [
        browser.post(
            login_url,
            data={"login": f"inconnu{n}@exemple.fr", "password": "pas-le-bon",
                  "csrfmiddlewaretoken": token},
            headers={"X-Forwarded-For": f"1.2.3.{n}", "Referer": login_url},
            verify=str(shape.cert),
            timeout=10,
        )
        for n in range(1, FAILED_LOGINS_PER_ADDRESS + 2)
    ]  # fmt: skip
    assert [answer.status_code for answer in answers] == [200] * len(answers)
    assert not any(TOO_MANY in answer.text for answer in answers[:FAILED_LOGINS_PER_ADDRESS])
    assert TOO_MANY in answers[-1].text


def test_the_site_behind_nginx_is_https_as_in_production(shape):
    page = get(shape, "/comptes/login/")
    assert page.status_code == 200
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    cookies = page.headers["Set-Cookie"]
    assert "csrftoken=" in cookies and "Secure" in cookies
    redirect = requests.get(
        f"http://127.0.0.1:{shape.redirect_port}/comptes/login/", allow_redirects=False, timeout=10
    )
    assert redirect.status_code == 301
    assert redirect.headers["Location"].startswith("https://")


def test_the_deployment_check_is_clean_with_the_environment_file(shape):
    checked = shape.manage("check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


# --- 6. An email sent by the worker --------------------------------------------------------------


def test_an_invitation_leaves_by_the_worker_for_the_smtp_server_with_public_links(shape, mailbox):
    inbox, _port = mailbox
    moderator = Browser(shape, MODERATOR, PASSWORD, totp_secret=shape.totp_secret)
    sent = moderator.post_form(
        f"/clubs/{CLUB}/moderation/invitations/",
        {"emails": "Nadia Vidal <nadia.vidal@mairie-exemple.fr>", "role": "member"},
    )
    assert sent.status_code == 200, shape.logs()
    message = inbox.wait_for("nadia.vidal@mairie-exemple.fr", timeout=30)
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://[^\s>\"]+", text)
    assert links and all(link.startswith(shape.url + "/") for link in links), links
    invitation = next(link for link in links if "/invitations/" in link)
    assert "Invitation" in get(shape, invitation.removeprefix(shape.url)).text


# --- 7. The timers' commands ---------------------------------------------------------------------


def test_the_timers_commands_run_as_their_units_would(shape):
    for unit in (
        "entrepairs-digest.service",
        "entrepairs-publish-scheduled.service",
        "entrepairs-retention.service",
    ):
        command = unit_command(unit)
        done = subprocess.run(
            command, cwd=ROOT, env=shape.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, (unit, done.stdout, done.stderr[-2000:])
