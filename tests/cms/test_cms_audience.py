"""Who reads which guide: a visitor none, a member the guides for every member and for their
clubs, staff every guide. The guide page, the index, the dashboard, the club page, documents and
images all follow the same rule (clubs.access)."""

import pytest
from django.urls import reverse
from pages import text

from clubs import access
from clubs.models import Ban
from cms import selectors

pytestmark = pytest.mark.django_db

TARGETED = "Préparer le budget primitif"
FOR_ALL = "Bien utiliser Entre pairs"


@pytest.fixture
def guides(make_guide, club, media_blocks):
    document, image, blocks = media_blocks
    targeted = make_guide(TARGETED, audience=[club], body=blocks, slug="budget")
    for_all = make_guide(FOR_ALL, slug="prise-en-main")
    return {"targeted": targeted, "for_all": for_all, "document": document, "image": image}


@pytest.fixture
def people(member, other_club_member, staff):
    return {"member": member, "other": other_club_member, "staff": staff}


def document_url(document):
    return reverse("wagtaildocs_serve", args=[document.pk, document.filename])


def image_url(image):
    return reverse("guide_image", args=[image.pk, "width-800"])


# --- The guide page -----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("other", 404), ("staff", 200)])
def test_a_targeted_guide_is_read_by_its_audience_and_staff_only(
    client_for, guides, people, who, status
):
    response = client_for(people[who]).get(guides["targeted"].url)
    assert response.status_code == status
    assert (TARGETED in response.content.decode()) is (status == 200)


@pytest.mark.parametrize("who", ["member", "other", "staff"])
def test_a_guide_for_every_member_is_read_by_every_member(client_for, guides, people, who):
    response = client_for(people[who]).get(guides["for_all"].url)
    assert response.status_code == 200
    assert "Pour tous les membres" in response.content.decode()


def test_the_audience_reads_as_french_for_one_club_and_for_several(
    client_for, make_guide, club, other_club, staff
):
    one = text(client_for(staff).get(make_guide("Un", audience=[club]).url))
    assert f"Pour les membres du club {club.name} ·" in one
    both = make_guide("Deux", audience=[club, other_club], slug="deux")
    names = sorted([club.name, other_club.name])
    several = text(client_for(staff).get(both.url))
    assert f"Pour les membres des clubs {names[0]} et {names[1]}" in several


@pytest.mark.parametrize("which", ["targeted", "for_all"])
def test_a_visitor_is_sent_to_the_login_page_for_any_guide(client, guides, which):
    response = client.get(guides[which].url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_visitor_is_sent_to_the_login_page_for_the_guide_index(client, guide_index):
    response = client.get(guide_index.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_banned_member_no_longer_reads_the_guides_of_their_club(client_for, guides, member, club):
    Ban.objects.create(user=member, club=club)
    assert client_for(member).get(guides["targeted"].url).status_code == 404


def test_a_draft_guide_is_not_served(client_for, make_guide, member):
    draft = make_guide("Brouillon", live=False, slug="brouillon")
    assert client_for(member).get(f"/guides/{draft.slug}/").status_code == 404


def test_a_guide_page_links_its_clubs(client_for, guides, member, club):
    html = client_for(member).get(guides["targeted"].url).content.decode()
    assert f'href="{reverse("clubs:detail", args=[club.slug])}"' in html


def test_a_guide_page_does_not_name_a_secret_club_to_others(
    client_for, make_guide, make_club, club, member
):
    secret = make_club("Club secret des référents", visibility="secret")
    guide = make_guide("Registre des traitements", audience=[club, secret], slug="registre")
    html = client_for(member).get(guide.url).content.decode()
    assert club.name in html
    assert secret.name not in html


def test_the_guide_page_has_no_public_media_address(client_for, guides, member):
    html = client_for(member).get(guides["targeted"].url).content.decode()
    assert "/media/" not in html
    assert document_url(guides["document"]) in html
    assert image_url(guides["image"]) in html


def test_the_guide_blocks_render_accessible_html(client_for, make_guide, member):
    body = [
        ("heading", "Le calendrier"),
        ("notice", {"kind": "warning", "text": "<p>Avant le 15 avril.</p>"}),
        ("steps", {"steps": [{"title": "Recenser les besoins", "text": "<p>Détail</p>"}]}),
        ("faq", {"questions": [{"question": "Faut-il un DOB ?", "answer": "<p>Non.</p>"}]}),
        (
            "table",
            {
                "caption": "Durées",
                "columns": [{"type": "text", "heading": "Document"}],
                "rows": [{"values": ["Factures"]}],
            },
        ),
    ]
    html = client_for(member).get(make_guide(body=body, slug="blocs").url).content.decode()
    assert "<h2>Le calendrier</h2>" in html
    assert 'class="notice notice--warning"' in html
    assert '<ol class="steps">' in html and "Recenser les besoins" in html
    assert "<summary>Faut-il un DOB ?</summary>" in html
    assert "<caption>Durées</caption>" in html and '<th scope="col">Document</th>' in html


# --- Listings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees_targeted"), [("member", True), ("other", False), ("staff", True)]
)
def test_the_guide_index_lists_the_guides_of_the_readers_audience(
    client_for, guides, guide_index, people, who, sees_targeted
):
    html = client_for(people[who]).get(guide_index.url).content.decode()
    assert FOR_ALL in html
    assert (TARGETED in html) is sees_targeted


def test_the_guide_index_filters_by_category(client_for, guides, guide_index, member):
    from cms.models import GuideCategory

    finances = GuideCategory.objects.create(name="Finances", slug="finances")
    guides["targeted"].categories = [finances]
    guides["targeted"].save_revision().publish()
    html = client_for(member).get(guide_index.url, {"categorie": "finances"}).content.decode()
    assert TARGETED in html and FOR_ALL not in html


def test_the_guide_index_says_when_there_is_no_guide(client_for, guide_index, member):
    html = client_for(member).get(guide_index.url).content.decode()
    assert "Aucun guide pour l'instant." in html


@pytest.mark.parametrize(
    ("who", "sees_targeted"), [("member", True), ("other", False), ("staff", True)]
)
def test_the_dashboard_lists_the_guides_the_member_may_read(
    client_for, guides, people, who, sees_targeted
):
    html = client_for(people[who]).get(reverse("home")).content.decode()
    assert FOR_ALL in html
    assert (TARGETED in html) is sees_targeted


def test_the_club_page_lists_the_guides_aimed_at_the_club_only(client_for, guides, member, club):
    html = client_for(member).get(reverse("clubs:detail", args=[club.slug])).content.decode()
    assert "Guides pour ce club" in html and TARGETED in html
    assert FOR_ALL not in html


def test_the_club_page_of_a_club_without_guides_shows_no_guide_section(
    client_for, guides, other_club_member, other_club
):
    page = client_for(other_club_member).get(reverse("clubs:detail", args=[other_club.slug]))
    assert "Guides pour ce club" not in page.content.decode()


# --- Documents and images -----------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("other", 404), ("staff", 200)])
@pytest.mark.parametrize("kind", ["document", "image"])
def test_files_of_a_guide_follow_its_audience(client_for, guides, people, who, status, kind):
    url = document_url(guides["document"]) if kind == "document" else image_url(guides["image"])
    response = client_for(people[who]).get(url)
    assert response.status_code == status
    if status == 200:
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF") if kind == "document" else body[1:4] == b"PNG"


@pytest.mark.parametrize("kind", ["document", "image"])
def test_a_visitor_is_sent_to_the_login_page_for_files(client, guides, kind):
    url = document_url(guides["document"]) if kind == "document" else image_url(guides["image"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_file_used_by_no_guide_is_for_staff_only(
    client_for, make_document, make_image, member, staff
):
    document, image = make_document(name="orphelin.pdf"), make_image()
    for url in (document_url(document), image_url(image)):
        assert client_for(member).get(url).status_code == 404
        assert client_for(staff).get(url).status_code == 200


def test_a_file_of_a_draft_guide_is_for_staff_only(
    client_for, make_guide, media_blocks, member, staff
):
    document, image, blocks = media_blocks
    make_guide("Brouillon", body=blocks, live=False, slug="brouillon")
    assert client_for(member).get(document_url(document)).status_code == 404
    assert client_for(member).get(image_url(image)).status_code == 404


def test_a_file_of_a_guide_for_every_member_is_read_by_every_member(
    client_for, make_guide, media_blocks, other_club_member
):
    document, image, blocks = media_blocks
    make_guide("Pour tous", body=blocks, slug="pour-tous")
    assert client_for(other_club_member).get(document_url(document)).status_code == 200
    assert client_for(other_club_member).get(image_url(image)).status_code == 200


def reference_index_updates(backend) -> int:
    """How many of Wagtail's reference index updates wait in the task backend for the worker."""
    return sum(r.task.name == "update_reference_index_task" for r in backend.results)


def test_a_file_removed_from_a_guide_is_refused_at_once_while_the_worker_is_behind(
    client_for, make_guide, media_blocks, member, request
):
    document, image, blocks = media_blocks
    guide = make_guide("Pour tous", body=blocks, slug="pour-tous")
    client = client_for(member)
    assert client.get(document_url(document)).status_code == 200
    assert client.get(image_url(image)).status_code == 200

    deferred = request.getfixturevalue("deferred_tasks")  # from now on, no task runs
    guide.body = []
    guide.save_revision().publish()
    assert reference_index_updates(deferred) > 0  # Wagtail's own update is still waiting
    assert client.get(document_url(document)).status_code == 404
    assert client.get(image_url(image)).status_code == 404


def test_a_file_added_to_a_published_guide_is_served_at_once_while_the_worker_is_behind(
    client_for, make_guide, media_blocks, member, deferred_tasks
):
    document, image, blocks = media_blocks
    guide = make_guide("Pour tous", slug="pour-tous")
    assert client_for(member).get(document_url(document)).status_code == 404
    guide.body = blocks
    guide.save_revision().publish()
    assert reference_index_updates(deferred_tasks) > 0
    assert client_for(member).get(document_url(document)).status_code == 200
    assert client_for(member).get(image_url(image)).status_code == 200


def test_a_draft_revision_does_not_open_its_files_to_readers(
    client_for, make_guide, media_blocks, member
):
    document, image, blocks = media_blocks
    guide = make_guide("Pour tous", slug="pour-tous")
    guide.body = blocks
    guide.save_revision()  # saved, not published
    assert client_for(member).get(document_url(document)).status_code == 404
    assert client_for(member).get(image_url(image)).status_code == 404


def test_only_the_guides_image_size_is_served(client_for, guides, staff):
    url = reverse("guide_image", args=[guides["image"].pk, "width-4000"])
    assert client_for(staff).get(url).status_code == 404


def test_a_missing_document_or_a_wrong_filename_is_a_404(client_for, guides, staff):
    document = guides["document"]
    client = client_for(staff)
    assert client.get(reverse("wagtaildocs_serve", args=[999, "x.pdf"])).status_code == 404
    assert client.get(reverse("wagtaildocs_serve", args=[document.pk, "x.pdf"])).status_code == 404


# --- The rule itself (clubs.access) -------------------------------------------------------------


def test_may_read_audience_by_kind_of_reader(member, other_club_member, staff, club, make_user):
    inactive = make_user(is_active=False)
    assert access.may_read_audience(member, [club.pk])
    assert access.may_read_audience(other_club_member, [])
    assert not access.may_read_audience(other_club_member, [club.pk])
    assert access.may_read_audience(staff, [club.pk])
    assert not access.may_read_audience(inactive, [])


def test_guides_for_a_visitor_is_empty(guides):
    from django.contrib.auth.models import AnonymousUser

    assert list(selectors.guides_for(AnonymousUser())) == []


def test_a_guide_aimed_at_two_clubs_is_listed_once(
    make_guide, club, other_club, member, make_membership
):
    make_membership(member, other_club)
    make_guide("Deux clubs", audience=[club, other_club], slug="deux")
    assert [g.title for g in selectors.guides_for(member)] == ["Deux clubs"]


def test_the_editors_image_files_are_for_the_editors_only(client_for, guides, member, staff):
    rendition = guides["image"].get_rendition("max-165x165")
    assert rendition.url.startswith("/media/images/")
    assert client_for(member).get(rendition.url).status_code == 404
    response = client_for(staff).get(rendition.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[1:4] == b"PNG"
    assert client_for(staff).get("/media/images/../secret.txt").status_code == 404


def test_an_editor_who_is_not_staff_sees_the_files_of_any_guide(client_for, make_user, guides):
    from django.contrib.auth.models import Group

    editor = make_user("redaction@gip.fr")
    editor.groups.add(Group.objects.get(name="Rédaction"))
    assert client_for(editor).get(document_url(guides["document"])).status_code == 200
    assert client_for(editor).get(image_url(guides["image"])).status_code == 200


def test_an_image_whose_file_was_lost_is_a_404(client_for, guides, staff):
    image = guides["image"]
    image.file.storage.delete(image.file.name)
    assert client_for(staff).get(image_url(image)).status_code == 404
