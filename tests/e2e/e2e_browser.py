"""What the browser tests and the README's screenshots (docs/screenshots/take.py) share: Debian's
Chromium and how it is launched, and logging in as a demo account."""

import os
import re
import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip
PASSWORD = os.environ.get("DEMO_PASSWORD", "entrepairs-demo")


def log_in(page, base_url: str, email: str):
    """Log in through the login form, with the demo accounts' password; returns the page, on the
    dashboard."""
    page.goto(f"{base_url}/comptes/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/")
    return page


def wait_until_live(page) -> None:
    """Wait for the page's websocket to be open. The condition is a function, not an
    expression: Playwright evaluates an expression again with eval(), which the site's
    Content-Security-Policy forbids."""
    opened = "() => document.getElementById('etat-connexion').dataset.state === 'open'"
    page.wait_for_function(opened)


def open_cantine_thread(page, base_url: str) -> None:
    """Open the demo thread about the canteen's price from its club's page, its live layer on."""
    page.goto(f"{base_url}/clubs/secretaires-de-mairie/")
    page.get_by_role("link", name=re.compile("tarif de la cantine")).first.click()
    page.wait_for_selector("#messages")
    wait_until_live(page)
