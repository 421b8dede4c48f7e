"""Who writes and who publishes the guides. The groups, their collection permissions and the
« Relecture des guides » workflow are created by a data migration; the page permissions and the
workflow are attached to the guide index when it is created (in the editor or by the demo)."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page, Workflow, WorkflowPage

EDITORS = "Rédaction"
REVIEWERS = "Relecture"
WORKFLOW = "Relecture des guides"
# Editors add and edit guides and submit them for review; reviewers also publish.
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page"],
}


def attach_to_guide_index(index: Page) -> None:
    """Give the two groups their permissions on the guide index (and so on every guide) and
    make its pages go through the review workflow. Idempotent."""
    for group_name, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=permission
            )
    workflow = Workflow.objects.filter(name=WORKFLOW).first()
    if workflow is not None:
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
