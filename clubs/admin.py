"""Technical admin (superusers only). Day-to-day work goes through the site and clubs.actions:
edits made here bypass the audit log, so most objects are read-only here."""

from django.contrib import admin

from .models import Ban, Club, Invitation, JoinRequest, Membership, MembershipEvent


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user", "invited_by"]


@admin.register(Club)
class ClubAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "profession", "visibility", "archived", "created_at"]
    list_filter = ["profession", "visibility", "archived"]
    search_fields = ["name", "slug", "description"]
    readonly_fields = ["created_at", "created_by"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "club", "role", "joined_at"]
    list_filter = ["role", "club"]
    search_fields = ["user__email", "club__name"]
    raw_id_fields = ["user", "invited_by"]
    list_select_related = ["user__profile", "club"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "club", "role", "created_at", "expires_at", "status_label"]
    list_filter = ["club", "role"]
    search_fields = ["email", "club__name"]
    list_select_related = ["club"]
    readonly_fields = [
        "token_hash",
        "created_at",
        "accepted_at",
        "accepted_by",
        "last_sent_at",
        "send_count",
    ]
    raw_id_fields = ["invited_by"]

    @admin.display(description="état")
    def status_label(self, obj):
        return obj.get_status_display()

    def has_add_permission(self, request):
        # An invitation created here would have no link to send: use the site.
        return False


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "club", "status", "created_at", "decided_at"]
    list_filter = ["status", "club"]
    search_fields = ["user__email", "club__name"]
    raw_id_fields = ["user", "decided_by"]
    list_select_related = ["user__profile", "club"]


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["user", "club", "banned_by", "created_at"]
    list_filter = ["club"]
    search_fields = ["user__email", "club__name", "reason"]
    raw_id_fields = ["user", "banned_by"]
    list_select_related = ["user__profile", "club", "banned_by__profile"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "club", "kind", "actor", "target_user", "target_email"]
    list_filter = ["kind", "club"]
    search_fields = ["target_email", "actor__email", "target_user__email"]
    list_select_related = ["club", "actor__profile", "target_user__profile"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
