from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    """The Django admin with a site that only superusers may enter (see admin_site.py)."""

    default_site = "entrepairs.admin_site.SuperuserAdminSite"
