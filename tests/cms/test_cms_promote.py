"""« Faire de ce fil un guide »: staff turn a solved thread into a draft guide."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from pages import shown_messages

from cms.editorial import EDITORS
from cms.models import GuidePage
from messaging import actions as messaging_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved_thread(make_thread, make_post, club, member, author):
    thread = make_thread(club, member, title="Délibération budgétaire", source="Quel modèle ?")
    answer = make_post(thread, author, source="Voici **notre** modèle.")
    messaging_actions.accept_answer(user=member, post=answer)
    thread.refresh_from_db()
    return thread


@pytest.fixture
def staff_member(staff, make_membership, club):
    """Staff who are members of the club: they read its threads."""
    make_membership(staff, club)
    return staff


def promote_url(thread):
    return reverse("promote_thread", args=[thread.club.slug, thread.pk])


def test_staff_create_a_draft_guide_from_a_solved_thread(
    client_for, guide_index, solved_thread, staff_member, club
):
    response = client_for(staff_member).post(promote_url(solved_thread))
    guide = GuidePage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[guide.pk])
    assert guide.get_parent().specific == guide_index
    assert not guide.live and guide.has_unpublished_changes
    assert guide.title == "Délibération budgétaire"
    assert list(guide.audience.all()) == [club]
    body = str(guide.body)
    assert "Quel modèle ?" in body and "<strong>notre</strong>" in body
    assert "Question posée par Claire Martin" in body
    assert "Réponse de Bruno Petit" in body
    assert guide.latest_revision.user == staff_member
    said = shown_messages(response)
    assert any("Brouillon de guide créé" in m for m in said)


def test_promoting_twice_makes_two_drafts_with_distinct_addresses(
    client_for, guide_index, solved_thread, staff_member
):
    client = client_for(staff_member)
    client.post(promote_url(solved_thread))
    client.post(promote_url(solved_thread))
    slugs = sorted(GuidePage.objects.values_list("slug", flat=True))
    assert slugs == ["deliberation-budgetaire", "deliberation-budgetaire-2"]


def test_the_button_is_shown_to_staff_on_a_solved_thread_only(
    client_for, guide_index, solved_thread, staff_member, member, make_thread, club
):
    url = reverse("messaging:thread", args=[club.slug, solved_thread.pk])
    assert promote_url(solved_thread) in client_for(staff_member).get(url).content.decode()
    assert promote_url(solved_thread) not in client_for(member).get(url).content.decode()
    open_thread = make_thread(club, member, title="Question ouverte")
    open_url = reverse("messaging:thread", args=[club.slug, open_thread.pk])
    html = client_for(staff_member).get(open_url).content.decode()
    assert promote_url(open_thread) not in html


def test_a_member_who_is_not_staff_gets_403(client_for, guide_index, solved_thread, member):
    assert client_for(member).post(promote_url(solved_thread)).status_code == 403
    assert not GuidePage.objects.exists()


def test_staff_outside_the_club_get_404(client_for, guide_index, solved_thread, staff):
    assert client_for(staff).post(promote_url(solved_thread)).status_code == 404
    assert not GuidePage.objects.exists()


def test_an_unsolved_thread_gets_404(
    client_for, guide_index, make_thread, club, member, staff_member
):
    thread = make_thread(club, member, title="Pas encore résolu")
    assert client_for(staff_member).post(promote_url(thread)).status_code == 404
    assert not GuidePage.objects.exists()


def test_get_is_refused(client_for, guide_index, solved_thread, staff_member):
    assert client_for(staff_member).get(promote_url(solved_thread)).status_code == 405


def test_without_a_guide_index_staff_are_told_and_nothing_is_created(
    client_for, home, solved_thread, staff_member
):
    response = client_for(staff_member).post(promote_url(solved_thread), follow=True)
    assert "pas encore de liste des guides" in response.content.decode()
    assert not GuidePage.objects.exists()


def test_staff_preview_the_draft_guide_made_from_a_thread(
    client_for, guide_index, solved_thread, staff_member, club
):
    staff_member.groups.add(Group.objects.get(name=EDITORS))  # they finish it in the editor
    client = client_for(staff_member)
    client.post(promote_url(solved_thread))
    guide = GuidePage.objects.get()
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[guide.pk]))
    assert response.status_code == 200
    article = BeautifulSoup(response.content, "html.parser").select_one("article.guide")
    assert "Quel modèle ?" in article.text and "Réponse de Bruno Petit" in article.text
    assert [a.text for a in article.select(".meta a")] == [club.name]  # its clubs, from the draft
