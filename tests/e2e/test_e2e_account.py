"""« Mon compte », the directory and the profile in a real browser: a short journey, and zero
axe-core violations of the WCAG 2.1 A and AA rules on each of their pages."""

import pytest
from test_e2e_accessibility import assert_no_violations
from test_e2e_security import violations, watched

pytestmark = pytest.mark.e2e
PASSWORD = "entrepairs-demo"

ACCOUNT_PAGES = [
    "/compte/",
    "/compte/donnees/",
    "/compte/suppression/",
    "/comptes/sessions/",
    "/comptes/logout/",
    "/comptes/reauthenticate/",
    "/comptes/reauthenticate/code/",
    "/annuaire/",
    "/annuaire/?departement=07",
    "/annuaire/?q=personne-de-ce-nom",
    "/membres/nadia-lefevre/",
]


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_and_directory_pages_have_no_accessibility_violation(
    base_url, logged_in_page, path
):
    page = logged_in_page("secretaire@demo.test")
    page.goto(base_url + path)
    assert_no_violations(page, path)


def open_totp_setup(page, base_url):
    """The two-factor setup page. Sensitive: the password is asked for again first, unless this
    session confirmed it a moment ago."""
    setup = f"{base_url}/comptes/2fa/totp/activate/"
    page.goto(setup)
    if page.url != setup:
        page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
        page.get_by_role("button", name="Confirmer").click()
        page.wait_for_url(setup)
    return page


def test_the_totp_setup_page_has_no_accessibility_violation(base_url, logged_in_page):
    page = open_totp_setup(logged_in_page("secretaire@demo.test"), base_url)
    assert_no_violations(page, page.url)


def test_the_totp_qr_code_is_drawn_without_breaking_the_page_policy(base_url, logged_in_page):
    page = open_totp_setup(watched(logged_in_page("archiviste@demo.test")), base_url)
    qr = page.get_by_role("img", name="Code QR à scanner avec votre application d'authentification")
    box = qr.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    assert page.locator(".totp-secret code").inner_text().strip() != ""
    assert violations(page) == []


def test_a_member_fills_her_profile_then_finds_a_colleague_in_the_directory(
    base_url, logged_in_page
):
    page = logged_in_page("secretaire@demo.test")
    page.get_by_text("Claire Martin").first.click()  # the account menu
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_label("Présentation").fill("Secrétaire de mairie depuis 2009.")
    page.get_by_label("Les membres de mes clubs").first.check()
    page.get_by_role("button", name="Enregistrer mon profil").click()
    assert page.get_by_text("Votre profil est enregistré.").is_visible()

    page.get_by_role("link", name="Annuaire").click()
    page.get_by_label("Département").select_option("07")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Nadia Lefèvre").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Nadia Lefèvre"
