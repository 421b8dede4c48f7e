"""Account security: two-factor authentication before powers, and ending sessions.

The rule "who must turn on two-factor authentication before using powers" lives here, in
`needs_mfa_first`; which club roles count as powers is `clubs.access.holds_powers_in`.
"""

from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from clubs import access

from . import live

#: Site-wide areas of GIP staff (Wagtail's editor, the technical administration).
STAFF_PATH_PREFIXES = ("/edition/", "/administration-technique/")
#: Pages and actions that use staff powers, by URL name.
STAFF_URL_NAMES = frozenset(
    {
        "clubs:staff_list",
        "clubs:staff_create",
        "clubs:staff_edit",
        "clubs:staff_owner",
        "clubs:staff_archive",
    }
)
#: Pages and actions that use a club's moderation powers, by URL name (the club is `slug`).
MODERATION_URL_NAMES = frozenset(
    {
        "clubs:moderation",
        "clubs:invitations",
        "clubs:invitation_resend",
        "clubs:invitation_revoke",
        "clubs:join_request_decide",
        "clubs:member_role",
        "clubs:member_remove",
        "clubs:member_ban",
        "clubs:bans",
        "clubs:unban",
        "clubs:audit_log",
        "messaging:pin",
        "messaging:lock",
        "messaging:move",
        "messaging:hide_post",
        "messaging:restore_post",
        "messaging:reports",
        "messaging:resolve_report",
    }
)


def uses_powers(request, view_name: str, kwargs: dict) -> bool:
    """Whether this request would use staff or moderation powers."""
    user = request.user
    if request.path.startswith(STAFF_PATH_PREFIXES) or view_name in STAFF_URL_NAMES:
        return access.is_site_staff(user)
    if view_name in MODERATION_URL_NAMES:
        return access.holds_powers_in(user, kwargs.get("slug"))
    return False


def needs_mfa_first(request, view_name: str, kwargs: dict) -> bool:
    if not settings.REQUIRE_MFA_FOR_POWERS or not request.user.is_authenticated:
        return False
    return uses_powers(request, view_name, kwargs) and not is_mfa_enabled(request.user)


class RequireMfaForPowersMiddleware:
    """Staff and moderators without two-factor authentication are sent to turn it on: a stolen
    password alone must not be enough to remove members or publish guides."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if not needs_mfa_first(request, view_name, view_kwargs):
            return None
        messages.warning(
            request,
            _(
                "Pour utiliser vos droits de modération ou de l'équipe du GIP, activez d'abord "
                "la double authentification : une application d'authentification vous donnera "
                "un code à chaque connexion."
            ),
        )
        return redirect("mfa_activate_totp")


def end_sessions(sessions) -> None:
    """End these sessions and close the live pages (websockets) opened by them."""
    for session in sessions:
        live.session_ended(session.user_id, session.session_key)
        session.end()


def end_other_sessions(user, *, keep_session_key: str | None) -> None:
    others = UserSession.objects.filter(user_id=user.pk).exclude(session_key=keep_session_key)
    end_sessions(list(others))


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """allauth's "sign out other sessions" closes their websockets as well."""

    def end_sessions(self, sessions) -> None:
        end_sessions(sessions)
