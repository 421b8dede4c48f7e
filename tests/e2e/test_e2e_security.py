"""The Content-Security-Policy in a real browser: the site's pages, with the live layer at
work, and Wagtail's editor under its relaxed policy, run without a single violation."""

import pytest

from tests.e2e.test_e2e_live import open_cantine_thread

pytestmark = pytest.mark.e2e

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def watched(page):
    """The page, with every CSP violation recorded (console messages and DOM events)."""
    page.console_violations = []
    page.on(
        "console",
        lambda message: (
            page.console_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(WATCH_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.console_violations + page.evaluate("window.__cspViolations || []")


def test_the_thread_page_and_its_live_layer_run_without_csp_violation(base_url, logged_in_page):
    writer = watched(logged_in_page("secretaire@demo.test"))
    reader = watched(logged_in_page("moderatrice@demo.test"))
    open_cantine_thread(writer, base_url)
    open_cantine_thread(reader, base_url)
    writer.get_by_label("Votre message").fill("Message sous politique de sécurité stricte.")
    writer.get_by_role("button", name="Publier la réponse").click()
    reader.locator("article.post", has_text="politique de sécurité stricte").wait_for(timeout=5000)
    assert violations(writer) == []
    assert violations(reader) == []


def test_wagtail_s_editor_works_under_its_relaxed_policy(base_url, logged_in_page):
    editor = watched(logged_in_page("equipe@demo.test"))
    editor.goto(f"{base_url}/edition/pages/")
    editor.get_by_role("heading").first.wait_for()
    editor.wait_for_load_state("networkidle")
    assert violations(editor) == []
