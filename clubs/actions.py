"""Every write of clubs. Keyword-only functions, one transaction each, taking the acting user.

They check the domain rules (the last owner cannot leave, a banned person cannot be invited...)
and raise `ActionError` with a French message to show to the user. The caller has checked access
with `clubs.access`; as a safety net, actions reserved to moderators raise PermissionDenied if the
actor is neither staff nor a moderator/owner of the club. Each action writes one
MembershipEvent; emails leave through `clubs.tasks`, enqueued after commit.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from community.models import User, normalise_email

from . import access, bulk, notices, tasks
from .models import (
    Ban,
    Club,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    Profession,
    Role,
    Visibility,
)
from .tokens import hash_token, new_token, token_matches

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Kind = MembershipEvent.Kind

#: Most addresses accepted by one `invite_many` call.
MAX_BULK_INVITATIONS = 500
MAX_MESSAGE_LENGTH = 2000


class ActionError(ValidationError):
    """A domain rule refused the action. `str(error)` (or `error.message`) is a French sentence
    meant for the user: show it with `messages.error(request, str(error))`, or attach it to a
    form with `form.add_error(None, error)`. `error.code` names the rule for programs."""

    def __init__(self, message: "StrOrPromise", code: str | None = None) -> None:
        super().__init__(message, code=code)

    def __str__(self) -> str:
        return str(self.message)


# --- Helpers ------------------------------------------------------------------------------------


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
    _event(club=club, actor=actor, kind=kind, target_user=user, **detail)
    if membership is not None:
        membership.delete()


def _event(
    *,
    club: Club,
    actor: User | None,
    kind: str,
    target_user: User | None = None,
    target_email: str = "",
    **detail: object,
) -> MembershipEvent:
    return MembershipEvent.objects.create(
        club=club,
        actor=actor,
        kind=kind,
        target_user=target_user,
        target_email=target_email or (target_user.email if target_user else ""),
        detail=detail,
    )


def _require_manager(actor: User, club: Club) -> Membership | None:
    """The actor's membership; PermissionDenied unless staff, owner or moderator of the club."""
    membership = access.membership_of(actor, club)
    if not access.can_manage_members(actor, membership):
        raise PermissionDenied
    return membership


def _require_owner_or_staff(actor: User, club: Club) -> Membership | None:
    membership = access.membership_of(actor, club)
    if not (access.is_site_staff(actor) or access.is_owner(membership)):
        raise PermissionDenied
    return membership


def _ensure_active(club: Club) -> None:
    if club.archived:
        raise ActionError(_("Ce club est archivé : il n'accueille plus de membres."), "archived")


def _check_choice(value: str, choices: Iterable[tuple[str, object]], message: str) -> None:
    if value not in {choice for choice, _label in choices}:
        raise ActionError(message, "invalid_choice")


def _check_message(message: str) -> str:
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ActionError(
            _("Le message est trop long (%(max)d caractères au plus).")
            % {"max": MAX_MESSAGE_LENGTH},
            "message_too_long",
        )
    return message


def _owner_count(club: Club) -> int:
    return Membership.objects.filter(club=club, role=Role.OWNER).count()


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:120] or "club"
    slug, n = base, 1
    taken = Club.objects.exclude(pk=exclude_pk) if exclude_pk else Club.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _send_invitation_on_commit(invitation: Invitation, raw_token: str) -> None:
    # The raw token exists nowhere else (only its hash is stored), so the task receives it. With
    # the immediate backend it stays in memory; with the database backend (production) the task
    # row holds the link until the worker has sent the email.
    invitation_id = invitation.pk
    transaction.on_commit(lambda: tasks.send_invitation_email.enqueue(invitation_id, raw_token))


def _send_join_decision_on_commit(join_request: JoinRequest) -> None:
    join_request_id = join_request.pk
    transaction.on_commit(lambda: tasks.send_join_decision_email.enqueue(join_request_id))


# --- Clubs --------------------------------------------------------------------------------------


@transaction.atomic
def create_club(
    *,
    actor: User,
    name: str,
    description: str = "",
    profession: str = Profession.AUTRE,
    visibility: str = Visibility.LISTED,
    owner: User | None = None,
) -> Club:
    """Staff create a club (slug made from the name, made unique with a suffix) and may name
    its first owner."""
    access.staff_required(actor)
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Donnez un nom au club."), "name_required")
    _check_choice(profession, Profession.choices, _("Ce métier n'existe pas."))
    _check_choice(visibility, Visibility.choices, _("Cette visibilité n'existe pas."))
    club = Club(
        name=name,
        slug=_unique_slug(name),
        description=(description or "").strip(),
        profession=profession,
        visibility=visibility,
        created_by=actor,
    )
    club.full_clean()
    club.save()
    _event(club=club, actor=actor, kind=Kind.CLUB_CREATED, name=club.name)
    if owner is not None:
        Membership.objects.create(user=owner, club=club, role=Role.OWNER, invited_by=actor)
        _event(club=club, actor=actor, kind=Kind.OWNER_NAMED, target_user=owner)
    return club


@transaction.atomic
def update_club(
    *,
    actor: User,
    club: Club,
    name: str | None = None,
    description: str | None = None,
    profession: str | None = None,
    visibility: str | None = None,
) -> Club:
    """Staff or an owner change the club's name, description, profession or visibility. The
    slug does not change (links already shared keep working)."""
    _require_owner_or_staff(actor, club)
    changes = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise ActionError(_("Donnez un nom au club."), "name_required")
        changes["name"] = name
    if description is not None:
        changes["description"] = description.strip()
    if profession is not None:
        _check_choice(profession, Profession.choices, _("Ce métier n'existe pas."))
        changes["profession"] = profession
    if visibility is not None:
        _check_choice(visibility, Visibility.choices, _("Cette visibilité n'existe pas."))
        changes["visibility"] = visibility
    changed = {
        key: {"from": getattr(club, key), "to": value}
        for key, value in changes.items()
        if getattr(club, key) != value
    }
    if not changed:
        return club
    for key, value in changes.items():
        setattr(club, key, value)
    club.full_clean()
    club.save()
    _event(club=club, actor=actor, kind=Kind.CLUB_UPDATED, changes=changed)
    return club


@transaction.atomic
def archive_club(*, actor: User, club: Club) -> Club:
    """Staff archive a club: its content stays readable by its members, nobody writes or joins.
    Pending join requests are refused (silently) and pending invitations revoked."""
    access.staff_required(actor)
    if club.archived:
        raise ActionError(_("Ce club est déjà archivé."), "already_archived")
    now = timezone.now()
    club.archived = True
    club.save(update_fields=["archived"])
    revoked = Invitation.objects.open().filter(club=club).update(revoked_at=now)
    refused = JoinRequest.objects.filter(club=club, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.REFUSED, decided_by=actor, decided_at=now
    )
    _event(
        club=club,
        actor=actor,
        kind=Kind.CLUB_ARCHIVED,
        invitations_revoked=revoked,
        join_requests_refused=refused,
    )
    return club


@transaction.atomic
def unarchive_club(*, actor: User, club: Club) -> Club:
    """Staff bring an archived club back to life."""
    access.staff_required(actor)
    if not club.archived:
        raise ActionError(_("Ce club n'est pas archivé."), "not_archived")
    club.archived = False
    club.save(update_fields=["archived"])
    _event(club=club, actor=actor, kind=Kind.CLUB_UNARCHIVED)
    return club


@transaction.atomic
def name_owner(*, actor: User, club: Club, user: User) -> Membership:
    """Staff or an owner make someone owner of the club (adding them if not yet a member)."""
    _require_owner_or_staff(actor, club)
    if access.is_banned(user, club):
        raise ActionError(_("Cette personne est exclue du club."), "banned")
    if not user.is_active:
        raise ActionError(_("Ce compte est désactivé."), "inactive")
    membership = Membership.objects.select_for_update().filter(user=user, club=club).first()
    previous = membership.role if membership else None
    if membership is None:
        membership = Membership.objects.create(
            user=user, club=club, role=Role.OWNER, invited_by=actor
        )
    elif membership.role == Role.OWNER:
        raise ActionError(_("Cette personne est déjà propriétaire du club."), "already_owner")
    else:
        membership.role = Role.OWNER
        membership.save(update_fields=["role"])
    _event(club=club, actor=actor, kind=Kind.OWNER_NAMED, target_user=user, previous=previous)
    return membership


# --- Invitations --------------------------------------------------------------------------------


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
    expires_at = now + timedelta(days=getattr(settings, "INVITATION_TTL_DAYS", 14))
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
        _event(
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
        _event(
            club=club,
            actor=actor,
            kind=Kind.INVITED,
            target_email=cleaned,
            invitation=invitation.pk,
            role=role,
        )
    _send_invitation_on_commit(invitation, raw)
    notices.invited(invitation, actor=actor)
    return invitation, raw, renewed


def _check_invitation_role(role: str, actor: User, actor_membership: Membership | None) -> None:
    _check_choice(role, Role.choices, _("Ce rôle n'existe pas."))
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
    actor_membership = _require_manager(actor, club)
    _ensure_active(club)
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
    actor_membership = _require_manager(actor, club)
    _ensure_active(club)
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
            outcome = error.code or InviteOutcome.INVALID
            report.results.append(InviteResult(row.email, outcome, row.line))
            continue
        outcome = InviteOutcome.ALREADY_INVITED if renewed else InviteOutcome.INVITED
        report.results.append(InviteResult(row.email, outcome, row.line))
    return report


@transaction.atomic
def resend_invitation(*, actor: User, invitation: Invitation) -> tuple[Invitation, str]:
    """Send an invitation again with a new link and a new expiry (also for an expired one).
    The previous link stops working."""
    _require_manager(actor, invitation.club)
    _ensure_active(invitation.club)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ActionError(_("Cette invitation a déjà été acceptée."), "accepted")
    if invitation.revoked_at is not None:
        raise ActionError(_("Cette invitation a été annulée."), "revoked")
    raw, token_hash = new_token()
    now = timezone.now()
    invitation.token_hash = token_hash
    invitation.expires_at = now + timedelta(days=getattr(settings, "INVITATION_TTL_DAYS", 14))
    invitation.last_sent_at = now
    invitation.send_count += 1
    invitation.save()
    _event(
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
    _require_manager(actor, invitation.club)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ActionError(_("Cette invitation a déjà été acceptée."), "accepted")
    if invitation.revoked_at is not None:
        raise ActionError(_("Cette invitation est déjà annulée."), "revoked")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _event(
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
    _event(
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
    _event(
        club=invitation.club,
        actor=None,
        kind=Kind.INVITATION_RENEWAL_REQUESTED,
        target_email=invitation.email,
        invitation=invitation.pk,
    )
    invitation_id = invitation.pk
    transaction.on_commit(lambda: tasks.send_renewal_request_email.enqueue(invitation_id))
    return invitation


# --- Join requests ------------------------------------------------------------------------------


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
    _ensure_active(club)
    message = _check_message(message)
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
    _event(
        club=club,
        actor=user,
        kind=Kind.JOIN_REQUESTED,
        target_user=user,
        join_request=join_request.pk,
    )
    notices.join_requested(join_request)
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
    join_request.status = status
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.decision_message = message
    join_request.save(update_fields=["status", "decided_by", "decided_at", "decision_message"])
    approved = status == JoinRequest.Status.APPROVED
    _event(
        club=join_request.club,
        actor=actor,
        kind=Kind.JOIN_APPROVED if approved else Kind.JOIN_REFUSED,
        target_user=join_request.user,
        join_request=join_request.pk,
    )
    _send_join_decision_on_commit(join_request)
    notices.join_decided(join_request, actor=actor)
    return join_request.decided_at


@transaction.atomic
def withdraw_join_request(*, user: User, join_request: JoinRequest) -> JoinRequest:
    """The requester withdraws their own pending request."""
    if join_request.user_id != user.pk:
        raise PermissionDenied
    join_request = _pending_request(join_request)
    join_request.status = JoinRequest.Status.WITHDRAWN
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])
    _event(
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
    _require_manager(actor, join_request.club)
    join_request = _pending_request(join_request)
    club = join_request.club
    _ensure_active(club)
    message = _check_message(message)
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
    _require_manager(actor, join_request.club)
    join_request = _pending_request(join_request)
    message = _check_message(message)
    _record_decision(join_request, actor=actor, status=JoinRequest.Status.REFUSED, message=message)
    return join_request


# --- Roles, removal, bans -----------------------------------------------------------------------


LAST_OWNER_MESSAGE = gettext_noop("Le club doit garder au moins un·e propriétaire.")


@transaction.atomic
def change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Give a member another role. A moderator can neither touch an owner nor make someone
    owner; the club keeps at least one owner."""
    club = membership.club
    actor_membership = _require_manager(actor, club)
    _check_choice(role, Role.choices, _("Ce rôle n'existe pas."))
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
    _event(
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
    actor_membership = _require_manager(actor, club)
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
    actor_membership = _require_manager(actor, club)
    reason = _check_message(reason)
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
    _require_manager(actor, club)
    target = ban.user
    deleted, _rows = Ban.objects.filter(pk=ban.pk).delete()
    if not deleted:
        raise ActionError(_("Cette exclusion a déjà été levée."), "not_banned")
    _event(club=club, actor=actor, kind=Kind.UNBANNED, target_user=target)
