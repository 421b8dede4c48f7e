"""Join requests: a person asks to join a listed club, withdraws, or gets the moderators'
answer by email."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import after_commit, domain_events
from community.action_errors import ActionError
from community.models import User

from .. import access, tasks
from ..audit import Kind, log_event
from ..models import Club, JoinRequest, Membership, Role
from ._shared import check_message, ensure_active, require_manager


def _send_join_decision_on_commit(join_request: JoinRequest) -> None:
    after_commit.enqueue(tasks.send_join_decision_email, join_request.pk)


@transaction.atomic
def request_to_join(*, user: User, club: Club, message: str = "") -> JoinRequest:
    """A logged-in person asks to join a listed club; its moderators will answer."""
    if not access.is_active_user(user):
        raise PermissionDenied
    if not club.is_listed:
        raise ActionError(
            _("Ce club n'accepte pas de demandes d'adhésion : on y entre sur invitation."),
            "not_listed",
        )
    ensure_active(club)
    message = check_message(message)
    if access.is_banned(user, club):
        raise ActionError(
            _("Vous avez été exclu·e de ce club : vous ne pouvez pas demander à le rejoindre."),
            "banned",
        )
    if Membership.objects.filter(user=user, club=club).exists():
        raise ActionError(_("Vous êtes déjà membre de ce club."), "already_member")
    if access.has_pending_join_request(user, club):
        raise ActionError(
            _("Vous avez déjà une demande en attente pour ce club."), "already_requested"
        )
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(user=user, club=club, message=message)
    except IntegrityError:
        raise ActionError(
            _("Vous avez déjà une demande en attente pour ce club."), "already_requested"
        ) from None
    log_event(
        club=club,
        actor=user,
        kind=Kind.JOIN_REQUESTED,
        target_user=user,
        join_request=join_request.pk,
    )
    domain_events.announce(domain_events.JOIN_REQUESTED, join_request_id=join_request.pk)
    return join_request


def _pending_request(join_request: JoinRequest) -> JoinRequest:
    join_request = (
        JoinRequest.objects.select_for_update().select_related("club").get(pk=join_request.pk)
    )
    if join_request.status != JoinRequest.Status.PENDING:
        raise ActionError(
            _("Cette demande a déjà reçu une réponse ou a été retirée."), "not_pending"
        )
    return join_request


def _record_decision(
    join_request: JoinRequest, *, actor: User, status: str, message: str
) -> datetime:
    """Write a moderator's answer, log it, and email the requester after commit; returns when
    it was decided."""
    decided_at = timezone.now()
    join_request.status = status
    join_request.decided_by = actor
    join_request.decided_at = decided_at
    join_request.decision_message = message
    join_request.save(update_fields=["status", "decided_by", "decided_at", "decision_message"])
    approved = status == JoinRequest.Status.APPROVED
    log_event(
        club=join_request.club,
        actor=actor,
        kind=Kind.JOIN_APPROVED if approved else Kind.JOIN_REFUSED,
        target_user=join_request.user,
        join_request=join_request.pk,
    )
    _send_join_decision_on_commit(join_request)
    domain_events.announce(
        domain_events.JOIN_DECIDED, join_request_id=join_request.pk, actor_id=actor.pk
    )
    return decided_at


@transaction.atomic
def withdraw_join_request(*, user: User, join_request: JoinRequest) -> JoinRequest:
    """The requester withdraws their own pending request."""
    if join_request.user_id != user.pk:
        raise PermissionDenied
    join_request = _pending_request(join_request)
    join_request.status = JoinRequest.Status.WITHDRAWN
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])
    log_event(
        club=join_request.club,
        actor=user,
        kind=Kind.JOIN_WITHDRAWN,
        target_user=user,
        join_request=join_request.pk,
    )
    return join_request


@transaction.atomic
def approve_join_request(
    *, actor: User, join_request: JoinRequest, message: str = ""
) -> Membership:
    """A moderator accepts a join request: the requester becomes a member and gets an email."""
    require_manager(actor, join_request.club)
    join_request = _pending_request(join_request)
    club = join_request.club
    ensure_active(club)
    message = check_message(message)
    if access.is_banned(join_request.user, club):
        raise ActionError(_("Cette personne est exclue du club."), "banned")
    decided_at = _record_decision(
        join_request, actor=actor, status=JoinRequest.Status.APPROVED, message=message
    )
    membership, _created = Membership.objects.get_or_create(
        user=join_request.user,
        club=club,
        defaults={"role": Role.MEMBER, "invited_by": actor, "joined_at": decided_at},
    )
    return membership


@transaction.atomic
def refuse_join_request(
    *, actor: User, join_request: JoinRequest, message: str = ""
) -> JoinRequest:
    """A moderator refuses a join request; the requester gets an email with the message."""
    require_manager(actor, join_request.club)
    join_request = _pending_request(join_request)
    message = check_message(message)
    _record_decision(join_request, actor=actor, status=JoinRequest.Status.REFUSED, message=message)
    return join_request
