"""Journeys in a real browser (Debian's Chromium) against a real daphne server."""

import pytest
from e2e_browser import open_cantine_thread, wait_until_live
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_reply_posted_in_one_browser_appears_live_in_another(base_url, logged_in_page):
    writer = logged_in_page("secretaire@demo.test")
    reader = logged_in_page("moderatrice@demo.test")
    open_cantine_thread(writer, base_url)
    open_cantine_thread(reader, base_url)

    writer.get_by_label("Votre message").fill("Réponse arrivée en direct, sans recharger.")
    writer.get_by_role("button", name="Publier la réponse").click()

    arrived = reader.locator("article.post", has_text="Réponse arrivée en direct")
    arrived.wait_for(timeout=5000)
    assert arrived.locator(".post__actions").get_by_text("Masquer").count() == 1  # moderator
    assert arrived.locator(".post__actions").get_by_text("Modifier").count() == 0  # not hers
    assert writer.get_by_label("Votre message").input_value() == ""
    mine = writer.locator("article.post", has_text="Réponse arrivée en direct")
    assert mine.locator(".post__actions").get_by_text("Modifier").count() == 1


def test_someone_typing_shows_in_the_other_browser_until_the_post_arrives(base_url, logged_in_page):
    writer = logged_in_page("secretaire@demo.test")
    reader = logged_in_page("moderatrice@demo.test")
    open_cantine_thread(writer, base_url)
    open_cantine_thread(reader, base_url)
    # Presence reaches the reader only once her page is subscribed to the thread: from then on,
    # typing (which is not logged, so not caught up) reaches her too.
    expect(reader.locator("#lecteurs")).to_contain_text("Claire Martin", timeout=5000)
    writer.get_by_label("Votre message").press_sequentially("Je réfléchis")
    typing_line = reader.locator("#en-train-d-ecrire")
    expect(typing_line).to_contain_text("Claire Martin écrit…", timeout=5000)
    writer.get_by_role("button", name="Publier la réponse").click()

    reader.locator("article.post", has_text="Je réfléchis").wait_for()
    # Read once, at the moment the post is in the page: the line went with its arrival.
    assert typing_line.inner_text() == ""


def test_a_reaction_in_one_browser_updates_the_count_in_another(base_url, logged_in_page):
    first = logged_in_page("secretaire@demo.test")
    second = logged_in_page("moderatrice@demo.test")
    open_cantine_thread(first, base_url)
    open_cantine_thread(second, base_url)
    post_id = second.locator("article.post").first.get_attribute("data-post-id")
    button = f'#message-{post_id} .post__reactions button[name="kind"][value="bravo"]'
    before = second.locator(button).inner_text()
    first.locator(button).click()  # a plain form post: the page reloads on the same post
    expect(second.locator(button)).not_to_have_text(before, timeout=5000)


def test_a_reply_too_long_for_a_websocket_frame_is_posted_by_the_form(base_url, logged_in_page):
    writer = logged_in_page("secretaire@demo.test")
    open_cantine_thread(writer, base_url)
    # 40,000 characters: within a post's length, but 80,000 bytes, over a frame's 64 KB.
    long_reply = "Réponse très longue. " + "é" * 40_000
    writer.get_by_label("Votre message").fill(long_reply)
    writer.get_by_role("button", name="Publier la réponse").click()

    expect(writer.locator("article.post", has_text="Réponse très longue.")).to_have_count(1)
    wait_until_live(writer)  # the page came back over HTTP, and its websocket is open again
