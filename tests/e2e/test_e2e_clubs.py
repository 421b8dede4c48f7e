"""Club journeys in a real browser: an invitation from the email to the club, a join request
approved by the moderator, a reply with an attachment."""

import re
import uuid

import pytest

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "un-mot-de-passe-solide-2026"

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def test_an_invitation_email_leads_to_a_new_account_in_the_club(
    base_url, logged_in_page, page, mailbox
):
    address = f"jeanne.{uuid.uuid4().hex[:8]}@mairie-exemple.fr"
    moderator = logged_in_page("moderatrice@demo.test")
    moderator.goto(f"{base_url}/clubs/secretaires-de-mairie/moderation/invitations/")
    moderator.get_by_label("Adresses à inviter").fill(address)
    moderator.get_by_role("button", name="Envoyer les invitations").click()
    assert address in moderator.locator(".report").inner_text()

    text = mailbox.wait_for(address).get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/invitations/[\w-]+/)", text).group(1)
    page.goto(base_url + link)
    page.get_by_role("link", name="Créer mon compte").click()
    page.get_by_label("Prénom").fill("Jeanne")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Invitée")
    page.get_by_label("Mot de passe (obligatoire)", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Créer mon compte et rejoindre le club").click()

    page.wait_for_url(f"{base_url}/clubs/secretaires-de-mairie/")
    assert page.get_by_role("heading", name="Secrétaires de mairie").count() == 1
    assert page.get_by_role("link", name=re.compile("tarif de la cantine")).count() >= 1


def test_a_moderator_approves_a_join_request_and_the_member_reads_the_club(
    base_url, logged_in_page
):
    applicant = logged_in_page("archiviste@demo.test")
    applicant.goto(f"{base_url}/clubs/secretaires-de-mairie/")
    applicant.get_by_role("button", name="Envoyer ma demande").click()
    applicant.get_by_role("button", name="Retirer ma demande").wait_for()

    moderator = logged_in_page("moderatrice@demo.test")
    moderator.goto(f"{base_url}/clubs/secretaires-de-mairie/moderation/")
    request = moderator.locator("article.card", has_text="archiviste@demo.test")
    request.get_by_role("button", name=re.compile("^Accepter")).click()
    assert "archiviste@demo.test" not in moderator.locator("main").inner_text()

    applicant.reload()
    assert applicant.get_by_role("link", name=re.compile("tarif de la cantine")).count() >= 1


def test_a_reply_with_a_pdf_shows_a_link_that_downloads_it(base_url, logged_in_page):
    page = logged_in_page("secretaire@demo.test")
    page.goto(f"{base_url}/clubs/secretaires-de-mairie/")
    page.get_by_role("link", name=re.compile("tarif de la cantine")).first.click()
    page.get_by_label("Votre message").fill("Voici notre délibération en PDF.")
    attachment = {"name": "deliberation-cantine.pdf", "mimeType": "application/pdf", "buffer": PDF}
    page.get_by_label("Pièces jointes (facultatif)").set_input_files(attachment)
    page.get_by_role("button", name="Publier la réponse").click()

    post = page.locator("article.post", has_text="Voici notre délibération en PDF.")
    link = post.get_by_role("link", name="deliberation-cantine.pdf")
    link.wait_for()
    download = page.request.get(base_url + link.get_attribute("href"))
    assert download.status == 200
    assert download.body() == PDF
    assert download.headers["content-disposition"].startswith("attachment")


def test_the_members_table_fits_a_phone_screen(base_url, logged_in_page):
    page = logged_in_page("moderatrice@demo.test")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base_url}/clubs/secretaires-de-mairie/membres/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    button = page.get_by_role("button", name="Changer le rôle").first
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.locator("table").evaluate("table => table.scrollWidth <= table.clientWidth")
