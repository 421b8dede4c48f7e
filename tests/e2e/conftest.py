"""A real browser (Debian's Chromium, driven by Playwright) against a real daphne server.

Skipped with the reason where no Chromium is found, except in CI, where it is a failure
(.ci/run installs Debian's `chromium`). A failing test leaves a screenshot and the page's HTML
in test-output/.
"""

import os
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
from e2e_browser import CHROMIUM, CHROMIUM_ARGS, log_in  # noqa: E402
from system_servers import DaphneProcess, Mailbox, free_port, server_env  # noqa: E402, F401  (fixture)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail("Chromium introuvable : .ci/run doit installer le paquet Debian chromium")
        pytest.skip("navigateur absent : installez le paquet Debian chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def mailbox():
    """Every email the browser tests' server sends lands here, through real SMTP."""
    box = Mailbox()
    box.port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def base_url(request, mailbox):
    smtp = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mailbox.port)}
    smtp.update(EMAIL_USE_TLS="0", EMAIL_USE_SSL="0")
    env = {**request.getfixturevalue("server_env"), **smtp}
    # The server's log sits next to the failures' screenshots (test-output/).
    OUTPUT.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    server = DaphneProcess(env, log_path=OUTPUT / f"daphne-{worker}.log")
    yield server.url
    server.stop()


@pytest.fixture
def contexts(browser):
    opened = []

    def new_context(**options):
        viewport = {"width": 1100, "height": 900}
        context = browser.new_context(locale="fr-FR", viewport=viewport, **options)
        opened.append(context)
        return context

    yield new_context
    for context in opened:
        context.close()


@pytest.fixture
def pages(request, contexts):
    """Pages opened by the test; on failure each one is saved to test-output/."""
    opened = []

    def new_page(**context_options):
        page = contexts(**context_options).new_page()
        opened.append(page)
        return page

    yield new_page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        OUTPUT.mkdir(exist_ok=True)
        for n, page in enumerate(opened):
            stem = OUTPUT / f"{request.node.name}-{n}"
            page.screenshot(path=f"{stem}.png", full_page=True)
            Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")


@pytest.fixture
def page(pages):
    return pages()


@pytest.fixture(scope="session")
def login_states():
    """Each demo account's cookies after its first login, by email."""
    return {}


@pytest.fixture
def logged_in_page(base_url, pages, login_states):
    """A page on the dashboard, logged in as `email`. Each account logs in through the form once
    per run, then its cookies are reused: the server allows 30 logins a minute from one address,
    fewer than the browser tests need."""

    def open_as(email: str):
        if email not in login_states:
            page = log_in(pages(), base_url, email)
            login_states[email] = page.context.storage_state()
            return page
        page = pages(storage_state=login_states[email])
        page.goto(f"{base_url}/")
        assert page.url == f"{base_url}/", f"the session of {email} has ended"
        return page

    return open_as


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
