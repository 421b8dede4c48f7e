"""The Django admin, kept for superusers: GIP staff work in the site and in Wagtail's editor."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from clubs import access


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Entre pairs — administration technique"
    site_title = "Entre pairs"

    def has_permission(self, request):
        return access.admin_required(request.user)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        # One login page for the whole site, with its rate limits and two-factor step.
        return secure_admin_login(super().login)(request, extra_context)
