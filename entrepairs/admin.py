from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from community.models import Profile, User

from . import account_deletion


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    # A photo goes through « Mon profil », which checks and re-encodes it.
    readonly_fields = ["avatar"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    # Deactivating (is_active) closes the account's pages and drops its follows and notifications
    # by itself (community.signals). Deleting goes through the member's own « Supprimer mon
    # compte »: files removed, sessions ended, posts signed « Ancien membre ».

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one account at a time, each through the action
        return actions

    def has_delete_permission(self, request, obj=None):
        # The only owner of a club with other members names a successor first, as on the site.
        allowed = super().has_delete_permission(request, obj)
        return allowed and not (obj is not None and account_deletion.clubs_left_without_owner(obj))

    def get_deleted_objects(self, objs, request):
        # The memberships and bans that go with the account are read-only here on purpose: their
        # end goes through account deletion below, not through their own admin.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request, obj):
        account_deletion.delete_account(user=obj, erase_posts=False)
