"""The composer in a real browser: drafts kept until sent, the « Aperçu », `@` completion and
images pasted as attachments."""

import base64
import io
import re

import pytest
from e2e_browser import wait_until_live
from PIL import Image
from playwright.sync_api import expect
from test_e2e_accessibility import assert_no_violations

pytestmark = pytest.mark.e2e
CLUB = "/clubs/secretaires-de-mairie/"


def open_cantine_thread(page, base_url):
    page.goto(base_url + CLUB)
    page.get_by_role("link", name=re.compile("tarif de la cantine")).first.click()
    page.wait_for_selector("#messages")
    wait_until_live(page)


def writing_in_the_thread(logged_in_page, base_url):
    """Claire Martin on the cantine thread, live: the page and its message box."""
    page = logged_in_page("secretaire@demo.test")
    open_cantine_thread(page, base_url)
    return page, page.get_by_label("Votre message")


def draft_saved(page, text: str) -> None:
    """Wait until the browser keeps `text` as a draft (it is saved a moment after typing)."""
    page.wait_for_function(
        """(text) => Object.keys(localStorage).some((key) =>
            key.startsWith("entrepairs:brouillon:") && localStorage.getItem(key).includes(text))""",
        arg=text,
    )


# --- Drafts -------------------------------------------------------------------------------------


def test_a_draft_survives_a_reload_and_goes_once_the_reply_is_sent(base_url, logged_in_page):
    page, box = writing_in_the_thread(logged_in_page, base_url)
    box.fill("Brouillon qui survit au rechargement.")
    draft_saved(page, "Brouillon qui survit")

    page.reload()
    wait_until_live(page)

    expect(box).to_have_value("Brouillon qui survit au rechargement.")
    expect(page.get_by_text("Brouillon restauré.")).to_be_visible()
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.locator("article.post", has_text="Brouillon qui survit")).to_have_count(1)
    expect(page.get_by_text("Brouillon restauré.")).to_be_hidden()
    page.reload()
    wait_until_live(page)
    expect(box).to_have_value("")
    expect(page.get_by_text("Brouillon restauré.")).to_be_hidden()


def test_a_restored_draft_can_be_discarded(base_url, logged_in_page):
    page, box = writing_in_the_thread(logged_in_page, base_url)
    box.fill("Brouillon à abandonner.")
    draft_saved(page, "Brouillon à abandonner.")
    page.reload()

    page.get_by_role("button", name="Abandonner le brouillon").click()

    expect(box).to_have_value("")
    expect(box).to_be_focused()
    page.reload()
    expect(box).to_have_value("")
    expect(page.get_by_text("Brouillon restauré.")).to_be_hidden()


def test_a_new_thread_draft_is_kept_when_the_form_is_refused_and_goes_once_published(
    base_url, logged_in_page
):
    page = logged_in_page("secretaire@demo.test")
    page.goto(f"{base_url}{CLUB}fils/nouveau/")
    page.get_by_label("Votre question ou votre message").fill("Question gardée en brouillon.")
    page.get_by_role("button", name="Publier").click()  # no title: the server refuses it
    expect(page.locator(".field--error")).to_have_count(1)
    expect(page.get_by_label("Votre question ou votre message")).to_have_value(
        "Question gardée en brouillon."
    )

    page.goto(f"{base_url}{CLUB}fils/nouveau/")  # later, from the club page
    expect(page.get_by_label("Votre question ou votre message")).to_have_value(
        "Question gardée en brouillon."
    )
    page.get_by_label("Titre").fill("Un fil publié depuis un brouillon")
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Un fil publié depuis un brouillon")

    page.goto(f"{base_url}{CLUB}fils/nouveau/")
    expect(page.get_by_label("Votre question ou votre message")).to_have_value("")
    expect(page.get_by_label("Titre")).to_have_value("")


def test_a_draft_typed_in_one_tab_appears_in_another_of_the_same_browser(base_url, logged_in_page):
    first = logged_in_page("secretaire@demo.test")
    second = first.context.new_page()
    open_cantine_thread(first, base_url)
    open_cantine_thread(second, base_url)

    first.get_by_label("Votre message").fill("Écrit dans le premier onglet.")

    expect(second.get_by_label("Votre message")).to_have_value("Écrit dans le premier onglet.")
    first.get_by_label("Votre message").fill("")
    expect(second.get_by_label("Votre message")).to_have_value("")


# --- « Aperçu » ---------------------------------------------------------------------------------


def test_the_preview_shows_the_markdown_as_the_site_renders_it(base_url, logged_in_page):
    page, box = writing_in_the_thread(logged_in_page, base_url)
    box.fill("**Important** : voir @nadia-lefevre\n\n- un\n- deux\n\n<script>alert(1)</script>")

    page.get_by_role("button", name="Aperçu", exact=True).click()

    preview = page.locator("[data-composer-preview-area]")
    expect(preview.locator("strong")).to_have_text("Important")
    expect(preview.get_by_role("link", name="@nadia-lefevre")).to_have_attribute(
        "href", "/membres/nadia-lefevre/"
    )
    expect(preview.locator("li")).to_have_count(2)
    expect(preview).to_contain_text("<script>alert(1)</script>")  # words, not a script
    assert preview.locator("script").count() == 0
    expect(box).to_be_hidden()

    page.get_by_role("button", name="Modifier", exact=True).click()

    expect(box).to_be_visible()
    expect(box).to_be_focused()
    expect(preview).to_be_empty()
    expect(page.get_by_role("button", name="Aperçu", exact=True)).to_be_visible()


def test_an_empty_message_has_nothing_to_preview(base_url, logged_in_page):
    page = logged_in_page("secretaire@demo.test")
    page.goto(f"{base_url}{CLUB}fils/nouveau/")
    page.get_by_role("button", name="Aperçu", exact=True).click()
    expect(page.locator("[data-composer-preview-area]")).to_have_text(
        "Rien à prévisualiser : le message est vide."
    )
    expect(page.get_by_label("Votre question ou votre message")).to_be_visible()


def test_without_its_script_the_form_shows_no_preview_button(base_url, logged_in_page, contexts):
    page = logged_in_page("secretaire@demo.test")
    state = page.context.storage_state()
    bare = contexts(storage_state=state, java_script_enabled=False).new_page()
    bare.goto(f"{base_url}{CLUB}fils/nouveau/")
    expect(bare.get_by_label("Votre question ou votre message")).to_be_visible()
    expect(bare.get_by_role("button", name="Aperçu", exact=True)).to_have_count(0)
    expect(bare.get_by_role("listbox")).to_have_count(0)


# --- « @ » mentions -----------------------------------------------------------------------------


def test_typing_at_offers_the_club_members_and_the_keyboard_inserts_the_chosen_one(
    base_url, logged_in_page
):
    page, box = writing_in_the_thread(logged_in_page, base_url)
    box.press_sequentially("Bonjour @g")

    listbox = page.get_by_role("listbox", name="Membres du club à mentionner")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Isabelle Garnier")
    expect(options.nth(1)).to_contain_text("Thomas Girard")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    box.press("ArrowUp")
    box.press("ArrowUp")  # from the first, round to the last
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")

    box.press("Enter")

    expect(box).to_have_value("Bonjour @thomas-girard ")
    expect(listbox).to_be_hidden()
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile("."))
    box.press_sequentially("et @Lefè")  # accents and capitals as the name is written
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Nadia Lefèvre")
    box.press("Tab")
    expect(box).to_have_value("Bonjour @thomas-girard et @nadia-lefevre ")
    expect(box).to_be_focused()


def test_escape_closes_the_suggestions_and_keeps_the_text(base_url, logged_in_page):
    page, box = writing_in_the_thread(logged_in_page, base_url)
    box.press_sequentially("Voir @isa")
    listbox = page.get_by_role("listbox", name="Membres du club à mentionner")
    expect(listbox.get_by_role("option")).to_have_count(1)

    box.press("Escape")

    expect(listbox).to_be_hidden()
    box.press("Enter")  # a new line, now that the list is closed
    expect(box).to_have_value("Voir @isa\n")


def test_the_thread_page_with_the_composer_open_has_no_accessibility_violation(
    base_url, logged_in_page
):
    page, box = writing_in_the_thread(logged_in_page, base_url)
    box.press_sequentially("Bonjour @g")
    expect(page.get_by_role("option")).to_have_count(2)
    box.evaluate(GIVE_FILE, ["paste", "capture.png", png_base64()])
    expect(page.locator("[data-composer-files] li")).to_have_count(1)
    assert_no_violations(page, "fil, suggestions de mention ouvertes")

    box.press("Escape")
    page.get_by_role("button", name="Aperçu", exact=True).click()
    expect(page.locator(".composer-preview__label")).to_be_visible()
    assert_no_violations(page, "fil, aperçu ouvert")


# --- Files pasted or dropped --------------------------------------------------------------------


def png_base64() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


# A File in a DataTransfer, handed to the page as a paste into the box or a drop on the form.
GIVE_FILE = """(target, [kind, name, data]) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, {type: "image/png"}));
    const options = {bubbles: true, cancelable: true};
    const event = kind === "paste"
        ? new ClipboardEvent("paste", {...options, clipboardData: transfer})
        : new DragEvent("drop", {...options, dataTransfer: transfer});
    target.dispatchEvent(event);
}"""


def test_a_pasted_image_becomes_an_attachment_of_the_posted_reply(base_url, logged_in_page):
    page, box = writing_in_the_thread(logged_in_page, base_url)
    box.fill("Voici la grille des tarifs collée.")

    box.evaluate(GIVE_FILE, ["paste", "grille-tarifs.png", png_base64()])

    files = page.locator("[data-composer-files] li")
    expect(files).to_have_count(1)
    expect(files).to_contain_text("grille-tarifs.png")
    expect(page.locator("#annonces")).to_have_text("Image ajoutée : grille-tarifs.png.")
    expect(box).to_have_value("Voici la grille des tarifs collée.")  # nothing pasted as text
    page.get_by_role("button", name="Publier la réponse").click()  # with a file: over HTTP

    posted = page.locator("article.post", has_text="Voici la grille des tarifs collée.")
    expect(posted.get_by_role("link", name="grille-tarifs.png")).to_be_visible()
    expect(posted.get_by_role("img", name="grille-tarifs.png")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Votre message")).to_have_value("")  # published: no draft left


def test_a_dropped_file_can_be_removed_before_sending(base_url, logged_in_page):
    page, _box = writing_in_the_thread(logged_in_page, base_url)
    form = page.locator("form[data-composer]")
    form.evaluate(GIVE_FILE, ["drop", "premier.png", png_base64()])
    form.evaluate(GIVE_FILE, ["drop", "second.png", png_base64()])
    expect(page.locator("[data-composer-files] li")).to_have_count(2)

    page.get_by_role("button", name="Retirer premier.png").click()

    expect(page.locator("[data-composer-files] li")).to_have_count(1)
    expect(page.locator("[data-composer-files] li")).to_contain_text("second.png")
    expect(page.locator("#annonces")).to_have_text("Pièce jointe retirée : premier.png.")
    names = form.locator('input[type="file"]').evaluate("(i) => [...i.files].map((f) => f.name)")
    assert names == ["second.png"]
