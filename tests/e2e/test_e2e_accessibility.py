"""Every page type has zero axe-core violations: the WCAG 2.1 A and AA rules and axe's
best practices (heading order, landmarks, one main heading...)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.template.loader import render_to_string

pytestmark = pytest.mark.e2e
AXE_RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}

PUBLIC_PAGES = ["/", "/comptes/login/", "/comptes/password/reset/", "/mentions-legales/",
                "/accessibilite/", "/confidentialite/", "/comptes/signup/",
                "/nexiste-pas/"]  # fmt: skip
MEMBER_PAGES = [
    "/",
    "/clubs/",
    "/clubs/secretaires-de-mairie/",
    "/clubs/secretaires-de-mairie/membres/",
    "/clubs/secretaires-de-mairie/fils/nouveau/",
    "/clubs/archivistes/",
    "/clubs/acheteurs-publics/",  # a club she is not in: its public page
    "/membres/claire-martin/",
    "/annuaire/",
    "/annuaire/?q=lefevre",
    "/recherche/?q=cantine",
    "/recherche/?q=introuvable",
    "/guides/",
    "/guides/preparer-le-budget-primitif/",
    "/compte/",
    "/compte/donnees/",
    "/compte/suppression/",
    "/comptes/sessions/",
    "/comptes/2fa/totp/activate/",
    "/comptes/email/",
    "/comptes/password/change/",
    "/comptes/2fa/",
    "/notifications/",
    "/notifications/preferences/",
    "/clubs/secretaires-de-mairie/moderation/",
    "/clubs/secretaires-de-mairie/moderation/invitations/",
    "/clubs/secretaires-de-mairie/moderation/signalements/",
    "/clubs/secretaires-de-mairie/moderation/exclusions/",
    "/clubs/secretaires-de-mairie/moderation/journal/",
]


def assert_no_violations(page, url):
    results = Axe().run(page, options=AXE_RULES)
    problems = [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert problems == [], f"{url}\n" + "\n".join(problems)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_accessibility_violation(base_url, page, path):
    page.goto(base_url + path)
    assert_no_violations(page, path)


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_and_moderation_pages_have_no_accessibility_violation(
    base_url, logged_in_page, path
):
    page = logged_in_page("moderatrice@demo.test")
    page.goto(base_url + path)
    assert_no_violations(page, path)


def test_a_thread_its_club_s_list_and_the_report_form_have_no_accessibility_violation(
    base_url, logged_in_page
):
    page = logged_in_page("moderatrice@demo.test")
    page.goto(base_url + "/clubs/secretaires-de-mairie/")
    assert_no_violations(page, page.url)
    page.get_by_role("link", name=re.compile("tarif de la cantine")).first.click()
    assert_no_violations(page, page.url)
    report = page.locator(".post__actions").get_by_role("link", name="Signaler").first
    report.click()
    page.wait_for_url(re.compile("/signaler/$"))
    assert_no_violations(page, page.url)
    page.get_by_role("button", name="Signaler le message").click()  # without a reason
    assert_no_violations(page, page.url)


def test_a_refused_reply_has_no_accessibility_violation(base_url, logged_in_page):
    page = logged_in_page("moderatrice@demo.test")
    page.goto(base_url + "/clubs/secretaires-de-mairie/")
    page.get_by_role("link", name=re.compile("tarif de la cantine")).first.click()
    page.get_by_label("Votre message").fill("Un fichier refusé")
    page.get_by_label("Pièces jointes (facultatif)").set_input_files(
        {"name": "outil.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}
    )
    page.get_by_role("button", name="Publier la réponse").click()
    page.wait_for_selector("#id_uploads_error")
    assert_no_violations(page, page.url)


@pytest.mark.parametrize("action", ["signaler", "masquer", "deplacer"])
def test_the_pages_reached_from_a_thread_have_no_accessibility_violation(
    base_url, logged_in_page, action
):
    page = logged_in_page("moderatrice@demo.test")
    page.goto(base_url + "/clubs/secretaires-de-mairie/")
    page.get_by_role("link", name=re.compile("tarif de la cantine")).first.click()
    if action == "deplacer":  # she moderates no other club: the page says so
        page.goto(page.url.split("?")[0].split("#")[0] + "deplacer/")
    else:
        page.goto(base_url + page.locator(f"[href$='/{action}/']").first.get_attribute("href"))
    assert page.get_by_role("heading", level=1).is_visible()
    assert_no_violations(page, page.url)


def test_staff_pages_have_no_accessibility_violation(base_url, logged_in_page):
    page = logged_in_page("equipe@demo.test")
    for path in ["/gestion/clubs/", "/gestion/clubs/nouveau/", "/gestion/clubs/archivistes/"]:
        page.goto(base_url + path)
        assert_no_violations(page, path)


def test_the_access_denied_page_has_no_accessibility_violation(base_url, logged_in_page):
    page = logged_in_page("secretaire@demo.test")
    path = "/clubs/secretaires-de-mairie/moderation/"
    response = page.goto(base_url + path)
    assert response.status == 403
    assert_no_violations(page, path)


@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_the_server_error_pages_have_no_accessibility_violation(base_url, page, template):
    """These pages cannot be reached on demand: their HTML is served at an address of the site,
    so that the site's style sheet applies as it would."""
    url = f"{base_url}/erreur-{template}"
    html = render_to_string(template)
    page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(url)
    assert page.get_by_role("heading", level=1).is_visible()
    assert_no_violations(page, template)
