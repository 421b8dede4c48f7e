"""Technical admin (superusers only). Day-to-day work goes through the site and clubs.actions:
memberships and bans are read-only here, and their admin actions call the same actions as the
site (audit log, pages closed, follows and notifications dropped)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.action_errors import ActionError

from . import actions
from .models import Ban, Club, Invitation, JoinRequest, Membership, MembershipEvent


class ReadOnlyAdminMixin:
    """Rows written only by the actions: shown, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _run_for_each(modeladmin, request, rows, act, done: str) -> None:
    """Call `act(row)` for each selected row; say how many succeeded and why the others did not."""
    succeeded = 0
    for row in rows:
        try:
            act(row)
        except ActionError as error:
            modeladmin.message_user(request, f"{row} : {error}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done % {"count": succeeded}, messages.SUCCESS)


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
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

    def has_delete_permission(self, request, obj=None):
        # A club is archived from the site; deleting it here would erase its members' words.
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "club", "role", "joined_at"]
    list_filter = ["role", "club"]
    search_fields = ["user__email", "club__name"]
    list_select_related = ["user__profile", "club"]
    actions = ["remove_from_club", "ban_from_club"]

    @admin.action(description=gettext_lazy("Retirer du club"))
    def remove_from_club(self, request, queryset):
        _run_for_each(
            self,
            request,
            queryset,
            lambda membership: actions.remove_member(actor=request.user, membership=membership),
            _("%(count)d membre(s) retiré(s) du club."),
        )

    @admin.action(description=gettext_lazy("Exclure du club"))
    def ban_from_club(self, request, queryset):
        _run_for_each(
            self,
            request,
            queryset.select_related("user", "club"),
            lambda membership: actions.ban_member(
                actor=request.user,
                club=membership.club,
                user=membership.user,
                reason=_("Exclusion décidée dans l'administration technique."),
            ),
            _("%(count)d membre(s) exclu(s) du club."),
        )


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
class BanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Bans are made by « Exclure du club » (here on memberships, or on the site)."""

    list_display = ["user", "club", "banned_by", "created_at"]
    list_filter = ["club"]
    search_fields = ["user__email", "club__name", "reason"]
    list_select_related = ["user__profile", "club", "banned_by__profile"]
    actions = ["lift"]

    @admin.action(description=gettext_lazy("Lever l'exclusion"))
    def lift(self, request, queryset):
        _run_for_each(
            self,
            request,
            queryset.select_related("club", "user"),
            lambda ban: actions.unban(actor=request.user, ban=ban),
            _("%(count)d exclusion(s) levée(s)."),
        )


@admin.register(MembershipEvent)
class MembershipEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "club", "kind", "actor", "target_user", "target_email"]
    list_filter = ["kind", "club"]
    search_fields = ["target_email", "actor__email", "target_user__email"]
    list_select_related = ["club", "actor__profile", "target_user__profile"]
