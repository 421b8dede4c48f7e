"""A guide's journey: the GIP's staff publish it in Wagtail's editor, a member of the club it is
for reads it, a member of another club does not see it; the guide pages pass axe."""

import re

import pytest
from test_e2e_accessibility import assert_no_violations

pytestmark = pytest.mark.e2e
TITLE = "Communiquer les archives aux usagers"


def open_page_in_editor(page, base_url, parent_path: str, title: str) -> str:
    """Open a page's edit form from its parent's listing in the editor; return the page's id."""
    page.goto(f"{base_url}{parent_path}")
    page.get_by_role("link", name=title, exact=True).first.click()
    page.wait_for_url(re.compile(r"/edition/pages/\d+/edit/"))
    found = re.search(r"/pages/(\d+)/edit/", page.url)
    assert found, page.url
    return found.group(1)


def open_add_guide_form(page, base_url):
    """From the editor's page tree to the new guide form under « Guides pratiques »."""
    home_id = open_page_in_editor(page, base_url, "/edition/pages/", "Entre pairs")
    index_id = open_page_in_editor(page, base_url, f"/edition/pages/{home_id}/", "Guides pratiques")
    # The guide index takes only guides: Wagtail goes straight to the guide form.
    page.goto(f"{base_url}/edition/pages/{index_id}/add_subpage/")
    page.wait_for_selector("#id_title")


def test_staff_publish_a_guide_that_a_member_of_its_club_reads(base_url, logged_in_page):
    editor = logged_in_page("equipe@demo.test")
    open_add_guide_form(editor, base_url)
    editor.fill("#id_title", TITLE)
    editor.fill("#id_intro", "Délais de communicabilité et salle de lecture.")
    editor.get_by_role("checkbox", name="Archivistes").check()
    # Reviewers may publish directly: the action sits in the save menu's more actions.
    editor.locator("footer [aria-label='Plus d’actions'], footer .w-dropdown__toggle").first.click()
    editor.locator("button[name='action-publish']").click()
    editor.wait_for_url(re.compile(r"/edition/pages/\d+/"))

    reader = logged_in_page("archiviste@demo.test")
    reader.get_by_role("link", name=TITLE).click()
    assert reader.get_by_role("heading", level=1).inner_text() == TITLE
    assert reader.locator("article").get_by_role("link", name="Archivistes").is_visible()

    outsider = logged_in_page("secretaire@demo.test")
    assert outsider.get_by_role("link", name=TITLE).count() == 0
    outsider.goto(reader.url)
    assert outsider.get_by_role("heading", level=1).inner_text() != TITLE


@pytest.mark.parametrize("path", ["/guides/", "/guides/trier-les-archives-communales/"])
def test_the_guide_pages_have_no_accessibility_violation(base_url, logged_in_page, path):
    page = logged_in_page("archiviste@demo.test")
    page.goto(base_url + path)
    assert_no_violations(page, path)
