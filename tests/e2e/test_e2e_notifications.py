"""Notifications in a real browser: the header badge updates live when another member mentions
you. (The notifications and preferences pages are in the axe checks of
test_e2e_accessibility.py.)"""

import re

import pytest
from e2e_browser import wait_until_live
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

BADGE = "[data-unread-notifications]"


def test_the_badge_updates_live_when_another_member_mentions_you(base_url, logged_in_page):
    reader = logged_in_page("moderatrice@demo.test")
    writer = logged_in_page("secretaire@demo.test")
    reader.goto(f"{base_url}/notifications/")
    wait_until_live(reader)
    before = int(reader.locator(BADGE).evaluate("badge => badge.firstChild.textContent"))

    writer.goto(f"{base_url}/clubs/secretaires-de-mairie/")
    writer.get_by_role("link", name=re.compile("tarif de la cantine")).first.click()
    writer.get_by_label("Votre message").fill("@nadia-lefevre pouvez-vous confirmer le tarif ?")
    writer.get_by_role("button", name="Publier la réponse").click()

    expected = before + 1
    badge = reader.locator(BADGE)
    expect(badge).to_be_visible(timeout=5000)
    expect(badge).to_have_text(re.compile(rf"^\s*{expected}\b"), timeout=5000)
    link = reader.get_by_role("link", name=re.compile(r"^Notifications"))
    assert re.search(rf"{expected} non lues?$", link.inner_text().replace("\n", " ").strip())
    assert "notification" in reader.locator("#annonces").inner_text()

    reader.reload()  # the page itself lists it, unread, at the top
    first = reader.locator(".notification").first
    assert "Claire Martin vous a mentionné·e" in first.inner_text()
    first.get_by_role("link").click()
    reader.wait_for_selector("#messages")
    assert "pouvez-vous confirmer le tarif" in reader.content()


def test_a_count_of_zero_shows_no_badge(base_url, logged_in_page):
    # A badge with nothing to count carries `hidden`, which the stylesheet's `.badge` display
    # must not override: once everything is read, the page as served shows no « 0 ».
    page = logged_in_page("equipe@demo.test")
    page.goto(f"{base_url}/notifications/")
    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(page.locator(BADGE)).to_be_hidden()
    page.reload()
    badge = page.locator(BADGE)
    assert badge.get_attribute("hidden") is not None
    expect(badge).to_be_hidden()
