"""Members: roles, removal, leaving, bans. The club keeps at least one owner; a moderator never
acts on an owner, and only staff ban one."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.action_errors import ActionError
from community.models import User

from .. import access
from ..audit import Kind, log_event
from ..models import Ban, Club, Invitation, JoinRequest, Membership, Role
from ._shared import check_choice, check_message, require_manager

LAST_OWNER_MESSAGE = gettext_noop("Le club doit garder au moins un·e propriétaire.")


def _end_membership(
    membership: Membership | None,
    *,
    club: Club,
    actor: User,
    user: User,
    kind: str,
    **detail: Any,
) -> None:
    """Record that someone lost access to the club (removed, left, banned) and delete their
    membership: its deletion announces the loss, whatever else follows (clubs.signals)."""
    log_event(club=club, actor=actor, kind=kind, target_user=user, **detail)
    if membership is not None:
        membership.delete()


def _owner_count(club: Club) -> int:
    return Membership.objects.filter(club=club, role=Role.OWNER).count()


@transaction.atomic
def change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Give a member another role. A moderator can neither touch an owner nor make someone
    owner; the club keeps at least one owner."""
    club = membership.club
    actor_membership = require_manager(actor, club)
    check_choice(role, Role.choices, _("Ce rôle n'existe pas."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    rights = access.member_rights(actor, actor_membership, membership)
    if role not in rights.roles:
        if membership.role == Role.OWNER:
            raise ActionError(
                _("Un·e modérateur·rice ne peut pas modifier le rôle d'un·e propriétaire."),
                "owner_protected",
            )
        raise ActionError(
            _("Seul·e un·e propriétaire ou l'équipe du GIP peut nommer un·e propriétaire."),
            "owner_reserved",
        )
    rights.require("change_role")
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and _owner_count(club) <= 1:
        raise ActionError(_(LAST_OWNER_MESSAGE), "last_owner")
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    log_event(
        club=club,
        actor=actor,
        kind=Kind.ROLE_CHANGED,
        target_user=membership.user,
        previous=previous,
        role=role,
    )
    return membership


@transaction.atomic
def remove_member(*, actor: User, membership: Membership) -> None:
    """A moderator removes someone from the club (their membership row is deleted; they may be
    invited again). A moderator cannot remove an owner; nobody removes themselves this way."""
    club = membership.club
    actor_membership = require_manager(actor, club)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.user_id == actor.pk:
        raise ActionError(_("Pour vous retirer vous-même, utilisez « Quitter le club »."), "self")
    rights = access.member_rights(actor, actor_membership, membership)
    if not rights.remove:
        raise ActionError(
            _("Un·e modérateur·rice ne peut pas retirer un·e propriétaire du club."),
            "owner_protected",
        )
    rights.require("remove")
    if membership.role == Role.OWNER and _owner_count(club) <= 1:
        raise ActionError(_(LAST_OWNER_MESSAGE), "last_owner")
    _end_membership(
        membership,
        club=club,
        actor=actor,
        user=membership.user,
        kind=Kind.REMOVED,
        role=membership.role,
    )


@transaction.atomic
def leave_club(*, user: User, club: Club) -> None:
    """A member leaves the club. The last owner must first name another owner."""
    membership = Membership.objects.select_for_update().filter(user=user, club=club).first()
    if membership is None:
        raise ActionError(_("Vous n'êtes pas membre de ce club."), "not_member")
    if membership.role == Role.OWNER and _owner_count(club) <= 1:
        raise ActionError(
            _(
                "Vous êtes la dernière personne propriétaire du club : nommez un·e autre "
                "propriétaire avant de le quitter."
            ),
            "last_owner",
        )
    _end_membership(
        membership, club=club, actor=user, user=user, kind=Kind.LEFT, role=membership.role
    )


@transaction.atomic
def ban_member(*, actor: User, club: Club, user: User, reason: str = "") -> Ban:
    """Exclude someone from the club: their membership is deleted, their pending invitations
    revoked and their pending join requests refused; they can neither be invited nor ask to
    join until unbanned. Only staff can ban an owner; nobody bans themselves."""
    actor_membership = require_manager(actor, club)
    reason = check_message(reason)
    if user.pk == actor.pk:
        raise ActionError(_("Vous ne pouvez pas vous exclure vous-même."), "self")
    if Ban.objects.filter(user=user, club=club).exists():
        raise ActionError(_("Cette personne est déjà exclue du club."), "already_banned")
    membership = Membership.objects.select_for_update().filter(user=user, club=club).first()
    # Someone who is not a member may be banned too (before they ask to join again).
    target = membership or Membership(user=user, club=club, role=Role.MEMBER)
    rights = access.member_rights(actor, actor_membership, target)
    if not rights.ban:
        raise ActionError(
            _("Seule l'équipe du GIP peut exclure un·e propriétaire du club."),
            "owner_protected",
        )
    rights.require("ban")
    now = timezone.now()
    previous_role = membership.role if membership else None
    revoked = (
        Invitation.objects.open().filter(club=club, email__iexact=user.email).update(revoked_at=now)
    )
    refused = JoinRequest.objects.filter(
        user=user, club=club, status=JoinRequest.Status.PENDING
    ).update(status=JoinRequest.Status.REFUSED, decided_by=actor, decided_at=now)
    ban = Ban.objects.create(user=user, club=club, reason=reason, banned_by=actor, created_at=now)
    _end_membership(
        membership,
        club=club,
        actor=actor,
        user=user,
        kind=Kind.BANNED,
        reason=reason,
        role=previous_role,
        invitations_revoked=revoked,
        join_requests_refused=refused,
    )
    return ban


@transaction.atomic
def unban(*, actor: User, ban: Ban) -> None:
    """Lift a ban: the person may be invited or ask to join again (they are not re-added)."""
    club = ban.club
    require_manager(actor, club)
    target = ban.user
    deleted, _rows = Ban.objects.filter(pk=ban.pk).delete()
    if not deleted:
        raise ActionError(_("Cette exclusion a déjà été levée."), "not_banned")
    log_event(club=club, actor=actor, kind=Kind.UNBANNED, target_user=target)
