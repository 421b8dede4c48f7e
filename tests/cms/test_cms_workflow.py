"""From draft to published: « Rédaction » writes and submits, « Relecture » approves and so
publishes; both groups, their rights and the workflow come from a data migration."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.editorial import EDITORS, REVIEWERS, WORKFLOW
from cms.models import GuideIndexPage, GuidePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(make_user):
    user = make_user("redactrice@gip.fr", display_name="Rita Rédaction")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def reviewer(make_user):
    user = make_user("relecteur@gip.fr", display_name="Rémi Relecture")
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


def guide_form(club, **actions):
    data = nested_form_data(
        {
            "title": "Trier les archives communales",
            "slug": "trier-les-archives",
            "intro": "La méthode pour un tri conforme.",
            "body": streamfield([("rich_text", rich_text("<p>Pas d'élimination sans visa.</p>"))]),
            "comments": inline_formset([]),
        }
    )
    data["audience"] = [club.pk]
    data.update(actions)
    return data


def add_guide(client, guide_index, club, **actions):
    url = reverse("wagtailadmin_pages:add", args=["cms", "guidepage", guide_index.pk])
    return client.post(url, guide_form(club, **actions))


def test_the_migration_creates_the_groups_and_the_review_workflow():
    workflow = Workflow.objects.get(name=WORKFLOW)
    task = workflow.tasks.get().specific
    assert [group.name for group in task.groups.all()] == [REVIEWERS]
    for name in (EDITORS, REVIEWERS):
        group = Group.objects.get(name=name)
        assert group.permissions.filter(codename="access_admin").exists()
        codenames = set(group.collection_permissions.values_list("permission__codename", flat=True))
        assert {"add_document", "choose_document", "add_image", "choose_image"} <= codenames


def test_the_guide_index_goes_through_the_review_workflow(guide_index):
    assert WorkflowPage.objects.get(page=guide_index).workflow.name == WORKFLOW


def test_an_editor_may_write_but_not_publish(guide_index, editor, reviewer):
    assert guide_index.permissions_for_user(editor).can_add_subpage()
    assert not guide_index.permissions_for_user(editor).can_publish_subpage()
    assert guide_index.permissions_for_user(reviewer).can_publish_subpage()


def test_an_editor_who_presses_publish_does_not_publish(client_for, guide_index, editor, club):
    add_guide(client_for(editor), guide_index, club, **{"action-publish": "publish"})
    guide = GuidePage.objects.get(slug="trier-les-archives")
    assert not guide.live


def test_a_guide_goes_from_draft_to_live_by_the_right_groups(
    client_for, guide_index, editor, reviewer, club, member
):
    response = add_guide(client_for(editor), guide_index, club, **{"action-submit": "submit"})
    assert response.status_code == 302
    guide = GuidePage.objects.get(slug="trier-les-archives")
    assert not guide.live
    assert guide.audience.get() == club
    state = guide.current_workflow_task_state
    assert state is not None and state.status == "in_progress"

    # The editor cannot approve their own submission: only Relecture may.
    approve = reverse("wagtailadmin_pages:workflow_action", args=[guide.pk, "approve", state.pk])
    client_for(editor).post(approve, {"comment": ""})
    guide.refresh_from_db()
    assert not guide.live

    client_for(reviewer).post(approve, {"comment": "Parfait"})
    guide.refresh_from_db()
    assert guide.live
    page = client_for(member).get(guide.url)
    assert page.status_code == 200
    assert "Pas d'élimination sans visa." in page.content.decode()


def test_a_scheduled_guide_goes_live_with_publish_scheduled(guide_index, make_guide):
    guide = make_guide("Plus tard", live=False, slug="plus-tard")
    guide.go_live_at = timezone.now() + timedelta(hours=1)
    revision = guide.save_revision()
    revision.publish()
    guide.refresh_from_db()
    assert not guide.live
    # An hour later (moved back here), the timer's command publishes it.
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")
    guide.refresh_from_db()
    assert guide.live


def test_a_guide_index_created_in_the_editor_gets_the_rights_and_the_workflow(
    client_for, home, make_user
):
    admin = make_user("admin@gip.fr", is_staff=True, is_superuser=True)
    data = nested_form_data(
        {"title": "Guides", "slug": "guides", "intro": "", "comments": inline_formset([])}
    )
    data["action-publish"] = "publish"
    url = reverse("wagtailadmin_pages:add", args=["cms", "guideindexpage", home.pk])
    assert client_for(admin).post(url, data).status_code == 302
    index = GuideIndexPage.objects.get()
    assert WorkflowPage.objects.get(page=index).workflow.name == WORKFLOW
    rights = set(
        GroupPagePermission.objects.filter(page=index).values_list(
            "group__name", "permission__codename"
        )
    )
    assert (REVIEWERS, "publish_page") in rights
    assert (EDITORS, "change_page") in rights
    assert (EDITORS, "publish_page") not in rights
