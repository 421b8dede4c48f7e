"""Daily use of a thread page in a real browser: nothing typed is lost, small acts happen in
place, and both ends of a long thread are one click away."""

import pytest
from e2e_browser import open_cantine_thread
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_refused_attachment_keeps_the_text_and_shows_the_error_by_the_field(
    base_url, logged_in_page
):
    page = logged_in_page("secretaire@demo.test")
    open_cantine_thread(page, base_url)
    typed = "Voici notre outil de calcul, à adapter à votre commune."
    page.get_by_label("Votre message").fill(typed)
    page.get_by_label("Pièces jointes (facultatif)").set_input_files(
        {"name": "outil.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}
    )
    page.get_by_role("button", name="Publier la réponse").click()

    files = page.get_by_label("Pièces jointes (facultatif)")
    expect(files).to_have_attribute("aria-invalid", "true")
    expect(files).to_be_focused()
    error = page.locator("#id_uploads_error")
    expect(error).to_contain_text("« outil.exe » n'est pas d'un type accepté")
    expect(error).to_be_in_viewport()
    assert page.url.endswith("#repondre")
    expect(page.get_by_label("Votre message")).to_have_value(typed)


def test_the_typing_line_goes_as_soon_as_the_post_arrives(base_url, logged_in_page):
    writer = logged_in_page("secretaire@demo.test")
    reader = logged_in_page("moderatrice@demo.test")
    open_cantine_thread(writer, base_url)
    open_cantine_thread(reader, base_url)
    expect(reader.locator("#lecteurs")).to_contain_text("Claire Martin", timeout=5000)
    writer.get_by_label("Votre message").press_sequentially("Réponse écrite devant vous")
    typing_line = reader.locator("#en-train-d-ecrire")
    expect(typing_line).to_have_text("Claire Martin écrit…")
    writer.get_by_role("button", name="Publier la réponse").click()

    reader.locator("article.post", has_text="Réponse écrite devant vous").wait_for()
    # Read once, at the moment the post is in the page: the line went with its arrival.
    assert typing_line.inner_text() == ""
