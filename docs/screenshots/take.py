"""The README's screenshots, taken in Debian's Chromium on the demo site.

    .venv/bin/python docs/screenshots/take.py

The site runs on a free loopback port with the demo data, in a temporary database (SQLite, or a
fresh PostgreSQL database next to DATABASE_URL's when that is set) removed at the end. Each page
is saved next to this file as a PNG, seen in a 1280 × 900 window. The reactions need an emoji
font (Debian: fonts-noto-color-emoji).
"""

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
TESTS = HERE.parents[1] / "tests"
sys.path[:0] = [str(TESTS / "system"), str(TESTS / "e2e")]
from e2e_browser import CHROMIUM, CHROMIUM_ARGS, log_in  # noqa: E402
from system_servers import DaphneProcess, demo_server_env, drop_server_database  # noqa: E402

VIEWPORT = {"width": 1280, "height": 900}
CLUB = "/clubs/secretaires-de-mairie/"
# Pasted in the invitation form: a new colleague, a typo and someone already in the club.
INVITED = "paul.durand@mairie-exemple.fr\npaul.durand@\nsecretaire@demo.test"


def shoot(page, name: str, *, full_page: bool = False) -> None:
    page.screenshot(path=HERE / f"{name}.png", full_page=full_page)
    print(f"docs/screenshots/{name}.png")


def new_page(browser):
    return browser.new_context(locale="fr-FR", viewport=VIEWPORT).new_page()


def public_pages(browser, site: str) -> None:
    page = new_page(browser)
    page.goto(f"{site}/")
    shoot(page, "accueil-public")
    page.goto(f"{site}/comptes/login/")
    shoot(page, "connexion")


def member_pages(browser, site: str) -> None:
    page = log_in(new_page(browser), site, "moderatrice@demo.test")
    page.reload()  # without the « connexion réussie » message
    shoot(page, "accueil")  # before the notifications page marks them read
    page.goto(site + CLUB)
    shoot(page, "club")
    page.get_by_role("link", name=re.compile("tarif de la cantine")).first.click()
    page.goto(page.url.split("?")[0] + "?depuis=0")  # the whole thread, not from the last read
    shoot(page, "fil", full_page=True)
    composer(page)
    for name, path in [
        ("guide", "/guides/preparer-le-budget-primitif/"),
        ("recherche", "/recherche/?q=cantine"),
        ("notifications", "/notifications/"),
        ("annuaire", "/annuaire/"),
        ("profil", "/membres/claire-martin/"),
        ("compte", "/compte/"),
    ]:
        page.goto(site + path)
        shoot(page, name)
    page.goto(f"{site}{CLUB}moderation/invitations/")
    page.get_by_label("Adresses à inviter").fill(INVITED)
    page.get_by_role("button", name="Envoyer les invitations").click()
    page.wait_for_load_state()
    shoot(page, "invitations")


def composer(page) -> None:
    """The reply box: the preview of a message, then the members offered after « @ »."""
    box = page.get_by_label("Votre message")
    box.fill("**Merci** pour ce tableau, je le reprends jeudi.\n\n- tarif A\n- tarif B")
    page.get_by_role("button", name="Aperçu").click()
    page.locator("#reponse-apercu").get_by_text("Merci").wait_for()
    page.locator("#repondre").scroll_into_view_if_needed()
    shoot(page, "apercu")
    page.get_by_role("button", name="Modifier").click()
    box.fill("Merci @is")
    box.press("End")
    page.get_by_role("option").first.wait_for()
    page.locator("#repondre").scroll_into_view_if_needed()
    shoot(page, "mention")
    box.fill("")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = demo_server_env(Path(folder))
        server = DaphneProcess(env)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                public_pages(browser, server.url)
                member_pages(browser, server.url)
                browser.close()
        finally:
            server.stop()
            drop_server_database(env["DATABASE_URL"])


if __name__ == "__main__":
    main()
