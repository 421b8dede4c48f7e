"""Daily use of a thread page in a real browser: nothing typed is lost, small acts happen in
place, and both ends of a long thread are one click away."""

import re
import subprocess
import sys

import pytest
from e2e_browser import open_cantine_thread, wait_until_live
from playwright.sync_api import expect
from system_servers import ROOT

pytestmark = pytest.mark.e2e

# A thread of 120 posts (three windows), written in turn by Nadia Lefèvre and Claire Martin; the
# last post is Nadia's, so Claire has one unread post.
LONG_THREAD = """
from clubs.models import Club
from community.models import User
from messaging import actions

club = Club.objects.get(slug="secretaires-de-mairie")
claire = User.objects.get(email="secretaire@demo.test")
nadia = User.objects.get(email="moderatrice@demo.test")
title = "Un très long fil"
thread = actions.start_thread(author=claire, club=club, title=title, source="Message 0")
for n in range(1, 120):
    actions.post_reply(author=nadia if n % 2 else claire, thread=thread, source=f"Message {n}")
print(thread.pk)
"""


@pytest.fixture(scope="module")
def long_thread(server_env, base_url):
    """The address of a thread of 120 posts, written in the server's database."""
    env = {**server_env, "POSTS_PER_MINUTE": "1000"}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", LONG_THREAD],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    thread_id = done.stdout.strip().splitlines()[-1]
    return f"{base_url}/clubs/secretaires-de-mairie/fils/{thread_id}/"


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


def test_a_long_thread_opens_at_the_unread_post_and_reaches_both_ends(
    base_url, logged_in_page, long_thread
):
    page = logged_in_page("secretaire@demo.test")
    page.goto(f"{base_url}/clubs/secretaires-de-mairie/")
    page.get_by_role("link", name="Un très long fil").click()
    wait_until_live(page)
    expect(page.locator("#premier-non-lu")).to_be_in_viewport()
    expect(page.locator("article.post").get_by_text("Message 119", exact=True)).to_be_in_viewport()

    page.get_by_role("link", name="Aller au premier message", exact=True).click()
    first = page.locator("article.post").get_by_text("Message 0", exact=True)
    expect(first).to_be_in_viewport()
    assert "Messages précédents" not in page.locator("main").inner_text()

    page.get_by_role("link", name="Aller au dernier message").first.click()
    expect(page).to_have_url(re.compile(r"\?avant="))
    last = page.locator("article.post").get_by_text("Message 119", exact=True)
    expect(last).to_be_in_viewport()
    assert page.locator('a[rel="next"]').count() == 0


def test_a_thread_opened_without_an_anchor_still_shows_where_the_reader_stopped(
    logged_in_page, long_thread
):
    page = logged_in_page("moderatrice@demo.test")  # she wrote the last post: all is read
    page.goto(long_thread)
    last = page.locator("article.post").get_by_text("Message 119", exact=True)
    expect(last).to_be_in_viewport()


def set_marker(page) -> None:
    """A mark on the page's window: it survives only if the page does not reload."""
    page.evaluate("() => { window.__marker = 'même page'; }")


def same_page(page) -> bool:
    return page.evaluate("() => window.__marker") == "même page"


def test_a_reaction_happens_in_place(base_url, logged_in_page):
    page = logged_in_page("secretaire@demo.test")
    open_cantine_thread(page, base_url)
    set_marker(page)
    post_id = page.locator("article.post").nth(1).get_attribute("data-post-id")
    button = page.locator(f'#message-{post_id} .post__reactions button[name="kind"][value="merci"]')
    pressed = button.get_attribute("aria-pressed") == "true"
    button.click()

    expect(button).to_have_attribute("aria-pressed", "false" if pressed else "true")
    expect(page.locator("#annonces")).to_have_text(
        "Réaction retirée." if pressed else "Réaction ajoutée."
    )
    expect(button).to_be_focused()
    assert same_page(page)


def test_accepting_an_answer_and_following_happen_in_place(logged_in_page, long_thread):
    page = logged_in_page("secretaire@demo.test")  # the thread's author
    page.goto(long_thread)
    wait_until_live(page)
    set_marker(page)
    answer = page.locator(
        "article.post", has=page.get_by_role("button", name="Retenir comme réponse")
    ).last
    answer_id = answer.get_attribute("data-post-id")
    answer.get_by_role("button", name="Retenir comme réponse").click()

    accepted = page.locator(f"#message-{answer_id}")
    expect(accepted).to_have_class(re.compile("post--accepted"))
    expect(accepted.locator(".badge")).to_have_text("réponse retenue")
    expect(page.locator("#entete-fil .badge--success")).to_have_text("résolu")
    expect(page.locator("#annonces")).to_have_text(
        "Réponse retenue : le fil est marqué « résolu »."
    )
    expect(accepted).to_be_focused()

    page.get_by_role("button", name="Mettre en sourdine").click()
    expect(page.locator("#entete-fil")).to_contain_text("Ce fil est en sourdine.")
    expect(page.get_by_role("button", name="Suivre")).to_be_focused()
    page.get_by_role("button", name="Suivre").click()
    expect(page.locator("#entete-fil")).to_contain_text("Vous suivez ce fil.")
    expect(page.locator("#annonces")).to_have_text(
        "Vous suivez ce fil : vous serez prévenu·e des réponses."
    )
    assert same_page(page)


def test_a_post_is_edited_in_place(logged_in_page, long_thread):
    page = logged_in_page("secretaire@demo.test")
    page.goto(long_thread + "?depuis=0")
    wait_until_live(page)
    set_marker(page)
    post = page.locator("article.post", has_text="Message 2").first
    post_id = post.get_attribute("data-post-id")
    post.get_by_role("link", name="Modifier").click()
    editor = post.get_by_role("textbox", name="Message")
    expect(editor).to_be_focused()

    editor.fill("   ")
    post.get_by_role("button", name="Enregistrer").click()
    expect(editor).to_have_attribute("aria-invalid", "true")
    expect(post.locator(".act-error")).to_have_text("Champ requis.")

    editor.fill("Message 2, corrigé sur place.")
    post.get_by_role("button", name="Enregistrer").click()
    edited = page.locator(f"#message-{post_id}")
    expect(edited.locator(".post__body")).to_have_text("Message 2, corrigé sur place.")
    expect(edited.get_by_role("link", name="modifié")).to_be_visible()
    expect(page.locator("#annonces")).to_have_text(
        "Message modifié ; la version précédente reste visible."
    )
    assert same_page(page)
