"""What the actions of every subject share (private to the package): the audit-log entry, the
moderator check, and the checks of an archived club, a choice and a message."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from community.action_errors import ActionError
from community.models import User

from .. import access
from ..models import Club, Membership, MembershipEvent

Kind = MembershipEvent.Kind

MAX_MESSAGE_LENGTH = 2000


def log_event(
    *,
    club: Club,
    actor: User | None,
    kind: str,
    target_user: User | None = None,
    target_email: str = "",
    **detail: Any,
) -> MembershipEvent:
    return MembershipEvent.objects.create(
        club=club,
        actor=actor,
        kind=kind,
        target_user=target_user,
        target_email=target_email or (target_user.email if target_user else ""),
        detail=detail,
    )


def require_manager(actor: User, club: Club) -> Membership | None:
    """The actor's membership; PermissionDenied unless staff, owner or moderator of the club."""
    membership = access.membership_of(actor, club)
    if not access.can_manage_members(actor, membership):
        raise PermissionDenied
    return membership


def ensure_active(club: Club) -> None:
    if club.archived:
        raise ActionError(_("Ce club est archivé : il n'accueille plus de membres."), "archived")


def check_choice(value: str, choices: Iterable[tuple[str, object]], message: str) -> None:
    if value not in {choice for choice, _label in choices}:
        raise ActionError(message, "invalid_choice")


def check_message(message: str) -> str:
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ActionError(
            _("Le message est trop long (%(max)d caractères au plus).")
            % {"max": MAX_MESSAGE_LENGTH},
            "message_too_long",
        )
    return message
