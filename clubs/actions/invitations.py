"""Invitations: one address or a list (with a report per address), resent, revoked, accepted,
and the holder of a dead link asking for a new one."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community import after_commit, domain_events
from community.action_errors import ActionError
from community.models import User, normalise_email

from .. import access, bulk, tasks
from ..audit import Kind, log_event
from ..models import (
    Ban,
    Club,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    Role,
    invitation_expiry,
)
from ..tokens import hash_token, new_token, token_matches
from ._shared import check_choice, ensure_active, require_manager

#: Most addresses accepted by one `invite_many` call.
MAX_BULK_INVITATIONS = 500


def _send_invitation_on_commit(invitation: Invitation, raw_token: str) -> None:
    # The raw token exists nowhere else (only its hash is stored), so the task receives it. With
    # the immediate backend it stays in memory; with the database backend (production) the task
    # row holds the link until the worker has sent the email.
    after_commit.enqueue(tasks.send_invitation_email, invitation.pk, raw_token)


def _invite(*, actor: User, club: Club, email: str, role: str) -> tuple[Invitation, str, bool]:
    """Invite one address; returns (invitation, raw token, whether an open invitation was
    renewed rather than created). Raises ActionError with code "invalid", "banned" or
    "already_member"."""
    cleaned = bulk.clean_email(email or "")
    if cleaned is None:
        raise ActionError(
            _("« %(email)s » n'est pas une adresse électronique valide.") % {"email": email},
            "invalid",
        )
    if Ban.objects.filter(club=club, user__email__iexact=cleaned).exists():
        raise ActionError(_("Cette personne est exclue du club."), "banned")
    if Membership.objects.filter(club=club, user__email__iexact=cleaned).exists():
        raise ActionError(_("Cette personne est déjà membre du club."), "already_member")

    raw, token_hash = new_token()
    now = timezone.now()
    expires_at = invitation_expiry(now)
    invitation = (
        Invitation.objects.open()
        .select_for_update()
        .filter(club=club, email=cleaned)
        .order_by("-created_at")
        .first()
    )
    renewed = invitation is not None
    if invitation is not None:
        invitation.token_hash = token_hash
        invitation.role = role
        invitation.invited_by = actor
        invitation.expires_at = expires_at
        invitation.last_sent_at = now
        invitation.send_count += 1
        invitation.save()
        log_event(
            club=club,
            actor=actor,
            kind=Kind.INVITATION_RESENT,
            target_email=cleaned,
            invitation=invitation.pk,
            role=role,
        )
    else:
        invitation = Invitation.objects.create(
            club=club,
            email=cleaned,
            role=role,
            token_hash=token_hash,
            invited_by=actor,
            created_at=now,
            expires_at=expires_at,
            last_sent_at=now,
            send_count=1,
        )
        log_event(
            club=club,
            actor=actor,
            kind=Kind.INVITED,
            target_email=cleaned,
            invitation=invitation.pk,
            role=role,
        )
    _send_invitation_on_commit(invitation, raw)
    domain_events.announce(
        domain_events.INVITATION_SENT, invitation_id=invitation.pk, actor_id=actor.pk
    )
    return invitation, raw, renewed


def _check_invitation_role(role: str, actor: User, actor_membership: Membership | None) -> None:
    check_choice(role, Role.choices, _("Ce rôle n'existe pas."))
    if role == Role.OWNER and not (
        access.is_site_staff(actor) or access.is_owner(actor_membership)
    ):
        raise ActionError(
            _("Seul·e un·e propriétaire ou l'équipe du GIP peut nommer un·e propriétaire."),
            "owner_reserved",
        )


@transaction.atomic
def invite_member(
    *, actor: User, club: Club, email: str, role: str = Role.MEMBER
) -> tuple[Invitation, str]:
    """Invite an address to the club; returns the invitation and its raw token (the email with
    the link leaves after commit). An open invitation for the same address is renewed (new
    token, new expiry) and resent, not duplicated."""
    actor_membership = require_manager(actor, club)
    ensure_active(club)
    _check_invitation_role(role, actor, actor_membership)
    invitation, raw, _renewed = _invite(actor=actor, club=club, email=email, role=role)
    return invitation, raw


class InviteOutcome:
    """What happened to each address of a bulk invitation."""

    INVITED = "invited"
    ALREADY_INVITED = "already_invited"
    ALREADY_MEMBER = "already_member"
    BANNED = "banned"
    INVALID = "invalid"
    DUPLICATE = "duplicate"

    LABELS = {
        INVITED: gettext_lazy("invitation envoyée"),
        ALREADY_INVITED: gettext_lazy("déjà invitée : invitation renvoyée"),
        ALREADY_MEMBER: gettext_lazy("déjà membre"),
        BANNED: gettext_lazy("exclue du club"),
        INVALID: gettext_lazy("adresse invalide"),
        DUPLICATE: gettext_lazy("en double dans la liste"),
    }


@dataclass(frozen=True)
class InviteResult:
    email: str
    outcome: str
    line: int | None = None

    def __iter__(self) -> Iterator[str]:
        # Unpacks as the pair (email, outcome).
        return iter((self.email, self.outcome))

    @property
    def label(self) -> str:
        return str(InviteOutcome.LABELS.get(self.outcome, self.outcome))


@dataclass
class InviteReport:
    """The report of `invite_many`: one InviteResult per address, in the order given."""

    results: list[InviteResult] = field(default_factory=list)

    def __iter__(self) -> Iterator[InviteResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def pairs(self) -> list[tuple[str, str]]:
        return [(r.email, r.outcome) for r in self.results]

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for result in self.results:
            totals[result.outcome] = totals.get(result.outcome, 0) + 1
        return totals

    def with_outcome(self, outcome: str) -> list[InviteResult]:
        return [r for r in self.results if r.outcome == outcome]


@transaction.atomic
def invite_many(
    *,
    actor: User,
    club: Club,
    rows: "str | bytes | Iterable[str | bulk.Row]",
    role: str = Role.MEMBER,
) -> InviteReport:
    """Invite a list of addresses: pasted text (str), the content of a CSV file (bytes), a list
    of addresses, or Rows from `clubs.bulk`. Returns a report with, for each address, one of
    InviteOutcome's values; invalid entries carry their line number. More than
    MAX_BULK_INVITATIONS entries: ActionError, nothing is sent."""
    actor_membership = require_manager(actor, club)
    ensure_active(club)
    _check_invitation_role(role, actor, actor_membership)
    parsed = bulk.parse_any(rows)
    if len(parsed) > MAX_BULK_INVITATIONS:
        raise ActionError(
            _(
                "Au plus %(max)d adresses par envoi : votre liste en compte %(count)d. "
                "Découpez-la en plusieurs envois."
            )
            % {"max": MAX_BULK_INVITATIONS, "count": len(parsed)},
            "too_many",
        )
    report = InviteReport()
    seen: set[str] = set()
    for row in parsed:
        if row.email is None:
            report.results.append(InviteResult(row.value, InviteOutcome.INVALID, row.line))
            continue
        if row.email in seen:
            report.results.append(InviteResult(row.email, InviteOutcome.DUPLICATE, row.line))
            continue
        seen.add(row.email)
        try:
            _invitation, _raw, renewed = _invite(actor=actor, club=club, email=row.email, role=role)
        except ActionError as error:
            report.results.append(
                InviteResult(row.email, error.code or InviteOutcome.INVALID, row.line)
            )
            continue
        outcome = InviteOutcome.ALREADY_INVITED if renewed else InviteOutcome.INVITED
        report.results.append(InviteResult(row.email, outcome, row.line))
    return report


@transaction.atomic
def resend_invitation(*, actor: User, invitation: Invitation) -> tuple[Invitation, str]:
    """Send an invitation again with a new link and a new expiry (also for an expired one).
    The previous link stops working."""
    require_manager(actor, invitation.club)
    ensure_active(invitation.club)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ActionError(_("Cette invitation a déjà été acceptée."), "accepted")
    if invitation.revoked_at is not None:
        raise ActionError(_("Cette invitation a été annulée."), "revoked")
    raw, token_hash = new_token()
    now = timezone.now()
    invitation.token_hash = token_hash
    invitation.expires_at = invitation_expiry(now)
    invitation.last_sent_at = now
    invitation.send_count += 1
    invitation.save()
    log_event(
        club=invitation.club,
        actor=actor,
        kind=Kind.INVITATION_RESENT,
        target_email=invitation.email,
        invitation=invitation.pk,
    )
    _send_invitation_on_commit(invitation, raw)
    return invitation, raw


@transaction.atomic
def revoke_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    """Cancel an invitation that has not been accepted: its link stops working."""
    require_manager(actor, invitation.club)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ActionError(_("Cette invitation a déjà été acceptée."), "accepted")
    if invitation.revoked_at is not None:
        raise ActionError(_("Cette invitation est déjà annulée."), "revoked")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    log_event(
        club=invitation.club,
        actor=actor,
        kind=Kind.INVITATION_REVOKED,
        target_email=invitation.email,
        invitation=invitation.pk,
    )
    return invitation


@transaction.atomic
def accept_invitation(*, user: User, raw_token: str) -> Membership:
    """The invited person, logged in with the invited address, accepts: they become a member
    with the invitation's role. Already a member: the invitation is simply marked accepted."""
    if not access.is_active_user(user):
        raise PermissionDenied
    token_hash = hash_token(raw_token or "")
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("club")
        .filter(token_hash=token_hash)
        .first()
    )
    if invitation is None or not token_matches(raw_token or "", invitation.token_hash):
        raise ActionError(
            _("Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet."), "unknown"
        )
    if invitation.accepted_at is not None:
        raise ActionError(_("Cette invitation a déjà été utilisée."), "used")
    if invitation.revoked_at is not None:
        raise ActionError(
            _("Cette invitation a été annulée par l'équipe de modération du club."), "revoked"
        )
    if invitation.expires_at <= timezone.now():
        raise ActionError(
            _(
                "Cette invitation a expiré. Demandez à l'équipe de modération du club "
                "de vous en envoyer une nouvelle."
            ),
            "expired",
        )
    if normalise_email(user.email) != normalise_email(invitation.email):
        raise ActionError(
            _(
                "Cette invitation a été envoyée à une autre adresse électronique que celle de "
                "votre compte. Connectez-vous avec le compte de l'adresse invitée."
            ),
            "wrong_email",
        )
    club = invitation.club
    if access.is_banned(user, club):
        raise ActionError(
            _("Vous avez été exclu·e de ce club : vous ne pouvez pas le rejoindre."), "banned"
        )
    if club.archived:
        raise ActionError(_("Ce club est archivé : il n'accueille plus de membres."), "archived")

    now = timezone.now()
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership = Membership.objects.filter(user=user, club=club).first()
    created = membership is None
    if membership is None:
        membership = Membership.objects.create(
            user=user,
            club=club,
            role=invitation.role,
            invited_by=invitation.invited_by,
            joined_at=now,
        )
    JoinRequest.objects.filter(user=user, club=club, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.APPROVED, decided_at=now
    )
    log_event(
        club=club,
        actor=user,
        kind=Kind.INVITATION_ACCEPTED,
        target_user=user,
        invitation=invitation.pk,
        role=membership.role,
        already_member=not created,
    )
    return membership


@transaction.atomic
def ask_for_new_invitation(*, raw_token: str) -> Invitation:
    """The holder of an expired or revoked link asks the club's moderators for a new one.

    Anyone holding the link may ask (they have no account yet, as a rule): the moderators are told
    by email, at most once a day per invitation, and decide whether to resend."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("club")
        .filter(token_hash=hash_token(raw_token or ""))
        .first()
    )
    if invitation is None or not token_matches(raw_token or "", invitation.token_hash):
        raise ActionError(_("Ce lien d'invitation n'est pas valide."), "unknown")
    if invitation.status not in (Invitation.Status.EXPIRED, Invitation.Status.REVOKED):
        raise ActionError(_("Cette invitation n'a pas besoin d'être renouvelée."), "not_needed")
    if invitation.club.archived:
        raise ActionError(_("Ce club est archivé : il n'accueille plus de membres."), "archived")
    already_asked = MembershipEvent.objects.filter(
        club=invitation.club,
        kind=Kind.INVITATION_RENEWAL_REQUESTED,
        detail__invitation=invitation.pk,
        created_at__gt=timezone.now() - timedelta(days=1),
    ).exists()
    if already_asked:
        raise ActionError(
            _("Votre demande a déjà été transmise à l'équipe de modération aujourd'hui."),
            "already_asked",
        )
    log_event(
        club=invitation.club,
        actor=None,
        kind=Kind.INVITATION_RENEWAL_REQUESTED,
        target_email=invitation.email,
        invitation=invitation.pk,
    )
    after_commit.enqueue(tasks.send_renewal_request_email, invitation.pk)
    return invitation
