"""The keyboard alone: from the login page to a posted reply, with visible focus and no trap."""

import pytest

pytestmark = pytest.mark.e2e
PASSWORD = "entrepairs-demo"


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {tag: el.tagName, id: el.id, text: (el.innerText || el.value || "").trim(),
                    name: el.getAttribute("name"), href: el.getAttribute("href"),
                    outline: style.outlineStyle !== "none" && style.outlineWidth !== "0px"};
        }"""
    )


def tab_until(page, matches, limit: int = 60) -> dict:
    """Press Tab until the focused element matches; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["tag"] != "BODY":
            assert element["outline"], f"focus not visible on {element}"
        if matches(element):
            return element
    raise AssertionError("never reached by Tab: a trap, or the element is missing")


def test_from_login_to_a_posted_reply_with_the_keyboard_only(base_url, page):
    page.goto(f"{base_url}/comptes/login/")
    skip = tab_until(page, lambda e: e["href"] == "#contenu")
    assert skip["text"] == "Aller au contenu"
    tab_until(page, lambda e: e["name"] == "login")
    page.keyboard.type("secretaire@demo.test")
    tab_until(page, lambda e: e["name"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/")

    tab_until(page, lambda e: e["href"] == "/clubs/secretaires-de-mairie/" and e["tag"] == "A")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/clubs/secretaires-de-mairie/")
    tab_until(page, lambda e: "tarif de la cantine" in e["text"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#messages")

    tab_until(page, lambda e: e["name"] == "source", limit=400)
    page.keyboard.type("Réponse écrite au clavier seulement.")
    tab_until(page, lambda e: e["text"] == "Publier la réponse")
    page.keyboard.press("Enter")
    page.locator("article.post", has_text="Réponse écrite au clavier seulement.").wait_for(
        timeout=5000
    )
