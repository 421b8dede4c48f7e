"""Downloads of attachments: only for members of the club, only while the post is visible, and
always as a download (never run as a page of the site). Image previews are the one inline case."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clubs.models import Ban
from messaging import actions
from messaging.attachments import download_url, preview_url

pytestmark = pytest.mark.django_db

PREVIEW_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@pytest.fixture
def shared(club, author, make_thread, files):
    """A thread whose first post carries a PDF and a PNG; returns (post, pdf, png)."""
    thread = make_thread(
        club,
        author,
        uploads=[
            SimpleUploadedFile("compte-rendu.pdf", files.pdf(), content_type="text/html"),
            SimpleUploadedFile("plan.png", files.image("PNG"), content_type="image/png"),
        ],
    )
    post = thread.posts.get()
    pdf, png = post.attachments.order_by("pk")
    return post, pdf, png


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Download -----------------------------------------------------------------------------------


def test_a_member_downloads_a_file_as_an_attachment_with_safe_headers(
    club, member, shared, client_for, files
):
    _post, pdf, _png = shared
    response = client_for(member).get(download_url(pdf, club.slug))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="compte-rendu.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    assert body(response) == files.pdf()


def test_the_download_address_ends_with_the_file_name(club, shared):
    _post, pdf, _png = shared
    url = download_url(pdf, club.slug)
    assert url == reverse("messaging:attachment", args=[club.slug, pdf.pk, "compte-rendu.pdf"])
    assert url.endswith("/compte-rendu.pdf")


def test_a_name_with_accents_and_spaces_is_offered_as_is(
    club, author, member, make_thread, client_for
):
    thread = make_thread(
        club,
        author,
        uploads=[SimpleUploadedFile("Procès-verbal été 2025.txt", "Séance du 3 juin".encode())],
    )
    attachment = thread.posts.get().attachments.get()
    response = client_for(member).get(download_url(attachment, club.slug))
    assert response.status_code == 200
    assert (
        "filename*=utf-8''Proc%C3%A8s-verbal%20%C3%A9t%C3%A9%202025.txt"
        in (response["Content-Disposition"])
    )
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_a_wrong_name_in_the_address_still_serves_the_file_under_its_own_name(
    club, member, shared, client_for
):
    _post, pdf, _png = shared
    url = reverse("messaging:attachment", args=[club.slug, pdf.pk, "autre-nom.exe"])
    response = client_for(member).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="compte-rendu.pdf"'


def test_the_author_downloads_their_own_file(club, author, shared, client_for):
    _post, pdf, _png = shared
    assert client_for(author).get(download_url(pdf, club.slug)).status_code == 200


def test_an_outsider_gets_404(club, outsider, shared, client_for):
    _post, pdf, _png = shared
    assert client_for(outsider).get(download_url(pdf, club.slug)).status_code == 404


def test_a_member_of_another_club_gets_404_even_through_their_own_club(
    club, other_club, other_club_member, shared, client_for
):
    _post, pdf, _png = shared
    client = client_for(other_club_member)
    assert client.get(download_url(pdf, club.slug)).status_code == 404
    # The id of a file of another club, behind the address of one's own club.
    assert client.get(download_url(pdf, other_club.slug)).status_code == 404


def test_a_removed_member_gets_404(club, member, shared, client_for):
    _post, pdf, _png = shared
    client = client_for(member)
    assert client.get(download_url(pdf, club.slug)).status_code == 200
    member.club_memberships.filter(club=club).delete()
    assert client.get(download_url(pdf, club.slug)).status_code == 404


def test_a_banned_member_gets_404(club, member, moderator, shared, client_for):
    _post, pdf, _png = shared
    Ban.objects.create(user=member, club=club, banned_by=moderator)
    assert client_for(member).get(download_url(pdf, club.slug)).status_code == 404


def test_site_staff_who_are_not_members_get_404(club, staff, shared, client_for):
    _post, pdf, _png = shared
    assert client_for(staff).get(download_url(pdf, club.slug)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(club, shared, client_for):
    _post, pdf, _png = shared
    response = client_for(None).get(download_url(pdf, club.slug))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_file_of_a_hidden_post_gets_404(club, member, moderator, shared, client_for):
    post, pdf, png = shared
    actions.hide_post(moderator=moderator, post=post, reason="Données personnelles")
    client = client_for(member)
    assert client.get(download_url(pdf, club.slug)).status_code == 404
    assert client.get(preview_url(png, club.slug)).status_code == 404


def test_the_file_of_a_deleted_post_gets_404(club, author, member, shared, client_for):
    post, pdf, _png = shared
    actions.delete_post(user=author, post=post)
    assert client_for(member).get(download_url(pdf, club.slug)).status_code == 404


def test_a_missing_attachment_id_gets_404(club, member, shared, client_for):
    url = reverse("messaging:attachment", args=[club.slug, 999_999, "x.pdf"])
    assert client_for(member).get(url).status_code == 404


def test_a_file_missing_from_the_storage_gets_404_and_a_log_line(
    club, member, shared, client_for, caplog
):
    _post, pdf, _png = shared
    pdf.file.storage.delete(pdf.file.name)
    with caplog.at_level(logging.ERROR, logger="messaging.file_views"):
        response = client_for(member).get(download_url(pdf, club.slug))
    assert response.status_code == 404
    assert f"Pièce jointe {pdf.pk}" in caplog.text


def test_a_download_answers_get_and_head_only(club, member, shared, client_for):
    _post, pdf, _png = shared
    client = client_for(member)
    assert client.head(download_url(pdf, club.slug)).status_code == 200
    assert client.post(download_url(pdf, club.slug)).status_code == 405


# --- Preview ------------------------------------------------------------------------------------


def test_an_image_is_previewed_inline_under_a_strict_policy(
    club, member, shared, client_for, files
):
    _post, _pdf, png = shared
    response = client_for(member).get(preview_url(png, club.slug))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == PREVIEW_CSP
    assert body(response) == files.image("PNG")


def test_the_preview_address_is_the_agreed_one(club, shared):
    _post, _pdf, png = shared
    assert preview_url(png, club.slug) == reverse(
        "messaging:attachment_preview", args=[club.slug, png.pk]
    )


def test_a_file_that_is_not_an_image_has_no_preview(club, member, shared, client_for):
    _post, pdf, _png = shared
    assert client_for(member).get(preview_url(pdf, club.slug)).status_code == 404


def test_an_outsider_gets_404_for_a_preview(club, outsider, shared, client_for):
    _post, _pdf, png = shared
    assert client_for(outsider).get(preview_url(png, club.slug)).status_code == 404
