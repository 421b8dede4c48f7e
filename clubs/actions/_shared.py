"""What the actions of every subject share (private to the package): the
moderator check, and the checks of an archived club, a choice and a message."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from community.action_errors import ActionError
from community.models import User

from .. import access
from ..models import Club, Membership

MAX_MESSAGE_LENGTH = 2000


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
