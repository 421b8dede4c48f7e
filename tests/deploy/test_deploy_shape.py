"""`make deploy-check`: what an installation made from deploy/ does, asserted through nginx only
(docs/deployment.md, "What the deployment check proves")."""

import asyncio
import json
import os
import re
import ssl
import subprocess
import threading
import time
import uuid

import requests
import websockets
from e2e_browser import CHROMIUM, CHROMIUM_ARGS, log_in, open_cantine_thread
from shape import DEPLOY, MODERATOR, ROOT, Shape, unit_command
from system_members import (
    Member,
    ReconnectingClient,
    post_id_of,
    reply_over_http,
    run_async,
    thread_and_club,
)
from system_servers import free_port
from websockets.typing import Origin

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


# --- 3. Two browsers on two processes ------------------------------------------------------------


def open_websockets(shape: Shape) -> list[int]:
    """How many live websockets each daphne process holds open now (its access log)."""
    logs = [daphne.log_tail(10_000_000) for daphne in shape.daphnes]
    return [log.count("WSCONNECT /ws/live/") - log.count("WSDISCONNECT /ws/live/") for log in logs]


def wait_for_open_websockets(shape: Shape, total: int) -> list[int]:
    """The open websockets per process once the pages left behind have closed theirs."""
    deadline = time.monotonic() + 10
    while sum(counts := open_websockets(shape)) != total and time.monotonic() < deadline:
        time.sleep(0.1)
    return counts


def test_two_browsers_on_two_processes_see_posts_typing_and_reactions_live(shape):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            writer, reader = (
                log_in(chromium.new_context(locale="fr-FR", ignore_https_errors=True).new_page(),
                       shape.url, email)
                for email in ("secretaire@demo.test", "isabelle.garnier@demo.test")
            )  # fmt: skip
            open_cantine_thread(writer, shape.url)
            # nginx hands the requests to the processes in turn: a request of our own between
            # two loads changes which one the reader's websocket goes to.
            for _attempt in range(8):
                open_cantine_thread(reader, shape.url)
                if wait_for_open_websockets(shape, total=2) == [1, 1]:
                    break
                get(shape, "/healthz")
            else:
                raise AssertionError(f"both pages on one process: {open_websockets(shape)}")

            expect(reader.locator("#lecteurs")).to_contain_text("Claire Martin", timeout=10_000)
            writer.get_by_label("Votre message").press_sequentially("Entre deux processus")
            expect(reader.locator("#en-train-d-ecrire")).to_contain_text(
                "Claire Martin écrit…", timeout=10_000
            )
            writer.get_by_role("button", name="Publier la réponse").click()
            arrived = reader.locator("article.post", has_text="Entre deux processus")
            arrived.wait_for(timeout=10_000)

            post_id = arrived.get_attribute("data-post-id")
            bravo = f"#message-{post_id} .post__reactions button[value='bravo']"
            writer.locator(bravo).wait_for(timeout=10_000)
            before = writer.locator(bravo).inner_text()
            reader.locator(bravo).click()
            expect(writer.locator(bravo)).not_to_have_text(before, timeout=10_000)
        finally:
            chromium.close()


# --- 4. A rolling restart -----------------------------------------------------------------------

LISTENERS = 50
# Seconds between a process answering again and the next one stopping: more than the
# fail_timeout of deploy/nginx.conf's upstream.
ROLLING_PAUSE = 4
READERS = ("isabelle.garnier@demo.test", "thomas.girard@demo.test")  # 25 pages each


def test_a_rolling_restart_loses_no_post_and_shows_none_twice(shape):
    """Each daphne stopped and started in turn while 50 pages stay connected through nginx and
    a member posts once a second; every page ends with every post, each once."""
    members = [Member(shape.url, email, PASSWORD, verify=str(shape.cert)) for email in READERS]
    writer = Member(shape.url, "secretaire@demo.test", PASSWORD, verify=str(shape.cert))
    thread_path, club_id = thread_and_club(writer)
    stream = f"club.{club_id}"
    tag = uuid.uuid4().hex[:8]
    posted: list[int] = []

    def post(n: int) -> None:
        """One reply; sent again with the same client id if a stopping process dropped it."""
        client_id = uuid.uuid4().hex
        for _attempt in range(5):
            try:
                answer = reply_over_http(writer, thread_path, f"Pendant le redémarrage {n} ({tag})",
                                         client_id=client_id)  # fmt: skip
                if answer.status_code == 302:
                    posted.append(post_id_of(answer))
                    return
            except requests.RequestException as error:
                print(f"reply {n}: {error}")
            time.sleep(0.5)
        raise AssertionError(f"reply {n} never accepted: {shape.nginx_errors()}")

    async def scenario():
        pages = [ReconnectingClient(members[n % len(members)].websocket, [stream],
                                    give_up_after=240) for n in range(LISTENERS)]  # fmt: skip
        running = [asyncio.create_task(page.run()) for page in pages]
        try:
            await asyncio.wait_for(asyncio.gather(*(p.subscribed.wait() for p in pages)), 60)
            posting = asyncio.create_task(asyncio.to_thread(keep_posting))
            for daphne in shape.daphnes:  # as docs/deployment.md's rolling restart
                await asyncio.to_thread(daphne.stop)
                await asyncio.sleep(2)
                await asyncio.to_thread(shape.start_daphne, daphne)
                await asyncio.sleep(ROLLING_PAUSE)
            stop_posting.set()
            await posting
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and any(
                sorted(page.applied_posts) != sorted(posted) for page in pages
            ):
                await asyncio.sleep(0.2)
            await asyncio.sleep(1)  # a late duplicate would show up now
            for page in pages:
                assert sorted(page.applied_posts) == sorted(posted), (
                    f"posted {posted}, applied {page.applied_posts}; "
                    f"failures {page.failures[-3:]}\n{shape.logs()}"
                )
                assert page.fatal_close is None
            assert sum(page.connections for page in pages) > LISTENERS  # they did reconnect
        finally:
            for page in pages:
                page.stopping = True
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    stop_posting = threading.Event()

    def keep_posting() -> None:
        n = 0
        while not stop_posting.is_set():
            n += 1
            post(n)
            time.sleep(1)

    run_async(asyncio.wait_for(scenario(), 300))
    assert len(posted) >= 8, posted


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
    shape.forget_cache()  # every client of this check comes from 127.0.0.1: let them log in
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
    moderator = Member(
        shape.url, MODERATOR, PASSWORD, verify=str(shape.cert), totp_secret=shape.totp_secret
    )
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


# --- The check itself ----------------------------------------------------------------------------


def first_frame(shape: Shape, member: Member, url: str) -> str:
    """The type of the first frame of the live websocket through the nginx at `url`, from the
    site's own origin; or why it did not open."""

    async def opened() -> str:
        context = ssl.create_default_context(cafile=str(shape.cert))
        try:
            async with websockets.connect(
                url.replace("https://", "wss://") + "/ws/live/",
                additional_headers={"Cookie": member.cookie()},
                origin=Origin(shape.url), ssl=context, open_timeout=10,
            ) as socket:  # fmt: skip
                return json.loads(await asyncio.wait_for(socket.recv(), 10))["type"]
        except websockets.exceptions.InvalidStatus as refused:
            return f"refusée : {refused.response.status_code}"

    return run_async(opened())


def test_the_check_fails_with_a_proxy_that_does_not_upgrade_websockets(shape):
    """The same websocket step, through a copy of deploy/nginx.conf without its upgrade
    headers: it fails, so a broken configuration cannot pass this check."""
    member = Member(shape.url, "secretaire@demo.test", PASSWORD, verify=str(shape.cert))
    broken = re.sub(
        r"\n\s*proxy_set_header (Upgrade|Connection) [^;]*;",
        "",
        DEPLOY.joinpath("nginx.conf").read_text(),
    )
    assert "Upgrade" not in broken
    port = free_port()
    proxy = shape.nginx_process(broken, "nginx-broken", port, free_port())
    try:
        assert first_frame(shape, member, shape.url) == "hello"
        assert first_frame(shape, member, f"https://127.0.0.1:{port}") != "hello"
    finally:
        proxy.stop()
