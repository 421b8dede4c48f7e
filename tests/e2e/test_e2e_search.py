"""A member searches from the header, reads the grouped results, follows one; the results page has
no axe-core violation of WCAG 2.1 A and AA."""

import re

import pytest
from playwright.sync_api import expect
from test_e2e_accessibility import assert_no_violations

pytestmark = pytest.mark.e2e


def test_a_member_searches_from_the_header_and_follows_a_result(base_url, logged_in_page):
    page = logged_in_page("moderatrice@demo.test")
    search_box = page.get_by_role("search").get_by_label("Rechercher dans mes clubs")
    search_box.fill("cantine")
    search_box.press("Enter")
    page.wait_for_url(re.compile(r"/recherche/\?q=cantine"))
    expect(page.get_by_role("heading", level=2, name=re.compile(r"résultats? pour « cantine »")))
    threads = page.get_by_role("region", name=re.compile("Fils de discussion"))
    expect(threads.locator("mark").first).to_have_text(re.compile("cantine", re.I))
    assert_no_violations(page, page.url)
    threads.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("cantine", re.I))
