"""The guides' editorial groups: « Rédaction » writes and submits, « Relecture » reviews and
publishes; their collection permissions on documents and images, and the « Relecture des
guides » workflow (one group approval task for Relecture). The page permissions and the workflow
are attached to the guide index when it is created (cms.editorial.attach_to_guide_index)."""

from django.db import migrations

EDITORS = "Rédaction"
REVIEWERS = "Relecture"
WORKFLOW = "Relecture des guides"
TASK = "Validation par la relecture"
MEDIA_PERMISSIONS = [
    (app_label, model, action)
    for app_label, model in (("wagtaildocs", "document"), ("wagtailimages", "image"))
    for action in ("add", "change", "choose")
]


def permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    found, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return found


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    admin_access = permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
    root_collection = Collection.objects.filter(depth=1).first()
    groups = {}
    for name in (EDITORS, REVIEWERS):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(admin_access)
        groups[name] = group
        if root_collection is None:
            continue
        for app_label, model, action in MEDIA_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=permission(
                    apps, app_label, model, f"{action}_{model}", f"Can {action} {model}"
                ),
            )

    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(name=TASK, content_type=task_type, active=True)
    task.groups.add(groups[REVIEWERS])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})


def remove(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, REVIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_guides"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(create, remove)]
