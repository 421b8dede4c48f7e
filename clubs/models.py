"""Clubs, memberships and roles, invitations, join requests, bans and the membership audit log.

Who may see or do what is decided in `clubs.access`; every write goes through `clubs.actions`.
"""

from datetime import datetime, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import person


class Profession(models.TextChoices):
    SECRETAIRE_MAIRIE = "secretaire_mairie", _("Secrétaires de mairie")
    ARCHIVISTE = "archiviste", _("Archivistes")
    ACHETEUR_PUBLIC = "acheteur_public", _("Acheteurs publics")
    AUTRE = "autre", _("Autre")


class Visibility(models.TextChoices):
    LISTED = "listed", _("Visible dans l'annuaire")
    SECRET = "secret", _("Secret")


class Role(models.TextChoices):
    OWNER = "owner", _("propriétaire")
    MODERATOR = "moderator", _("modérateur·rice")
    MEMBER = "member", _("membre")


#: Roles that may run a club's membership (invite, approve, remove, ban).
MANAGER_ROLES = frozenset({Role.OWNER, Role.MODERATOR})
#: Rank of each role, for sorting member lists (owners first).
ROLE_RANK = {Role.OWNER: 0, Role.MODERATOR: 1, Role.MEMBER: 2}


class ClubQuerySet(models.QuerySet["Club"]):
    def active(self) -> Self:
        """Clubs that are not archived."""
        return self.filter(archived=False)

    def listed(self) -> Self:
        """Clubs shown in the directory (whether archived or not)."""
        return self.filter(visibility=Visibility.LISTED)


class Club(models.Model):
    """A group of peers of one profession. Listed clubs appear in the directory; secret ones
    exist only for their members. An archived club keeps its content, read-only."""

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant dans l'adresse"), max_length=140, unique=True)
    profession = models.CharField(
        _("métier"), max_length=32, choices=Profession.choices, default=Profession.AUTRE
    )
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibilité"), max_length=16, choices=Visibility.choices, default=Visibility.LISTED
    )
    archived = models.BooleanField(_("archivé"), default=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = person(_("créé par"))

    objects = ClubQuerySet.as_manager()

    class Meta:
        verbose_name = _("club")
        verbose_name_plural = _("clubs")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_listed(self) -> bool:
        return self.visibility == Visibility.LISTED

    @property
    def is_secret(self) -> bool:
        return self.visibility == Visibility.SECRET


class Membership(models.Model):
    """A person's place in a club. Removing a member deletes this row; the history stays in
    MembershipEvent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="club_memberships",
    )
    club = models.ForeignKey(
        Club, verbose_name=_("club"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("arrivé·e le"), default=timezone.now)
    invited_by = person(_("invité·e par"))

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [
            models.UniqueConstraint(fields=["user", "club"], name="clubs_one_membership_per_club")
        ]
        indexes = [models.Index(fields=["club", "role"])]

    def __str__(self):
        return f"{self.user} — {self.club} ({self.get_role_display()})"


def invitation_expiry(now: datetime | None = None) -> datetime:
    """When an invitation sent now (or at `now`) expires: INVITATION_TTL_DAYS later."""
    return (now or timezone.now()) + timedelta(days=settings.INVITATION_TTL_DAYS)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> Self:
        """Invitations that can still be accepted: not accepted, not revoked, not expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def open(self) -> Self:
        """Invitations neither accepted nor revoked (pending or expired): one per email and club
        is reused rather than duplicated."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An invitation sent by email. Only the sha256 of the token is stored: the link in the email
    is the only place the raw token exists."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        ACCEPTED = "accepted", _("acceptée")
        REVOKED = "revoked", _("annulée")
        EXPIRED = "expired", _("expirée")

    email = models.EmailField(_("adresse électronique"))
    club = models.ForeignKey(
        Club, verbose_name=_("club"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    invited_by = person(_("invité·e par"))
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = person(_("acceptée par"))
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("dernier envoi le"), null=True, blank=True)
    send_count = models.PositiveIntegerField(_("nombre d'envois"), default=0)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["club", "email"])]

    def __str__(self):
        return f"{self.email} → {self.club}"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING


class JoinRequest(models.Model):
    """A logged-in person asking to join a listed club; a moderator approves or refuses."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        APPROVED = "approved", _("acceptée")
        REFUSED = "refused", _("refusée")
        WITHDRAWN = "withdrawn", _("retirée")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandeur·se"),
        on_delete=models.CASCADE,
        related_name="club_join_requests",
    )
    club = models.ForeignKey(
        Club, verbose_name=_("club"), on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("état"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    decided_by = person(_("décidée par"))
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_message = models.TextField(_("message de réponse"), blank=True)

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "club"],
                condition=Q(status="pending"),
                name="clubs_one_pending_join_request",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.club} ({self.get_status_display()})"


class Ban(models.Model):
    """A person excluded from a club: no membership, no invitation, no join request."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne exclue"),
        on_delete=models.CASCADE,
        related_name="club_bans",
    )
    club = models.ForeignKey(
        Club, verbose_name=_("club"), on_delete=models.CASCADE, related_name="bans"
    )
    reason = models.TextField(_("motif"), blank=True)
    banned_by = person(_("exclue par"))
    created_at = models.DateTimeField(_("exclue le"), default=timezone.now)

    class Meta:
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "club"], name="clubs_one_ban_per_club")
        ]

    def __str__(self):
        return f"{self.user} exclu·e de {self.club}"


class MembershipEvent(models.Model):
    """The audit log of a club's membership: one row per action."""

    class Kind(models.TextChoices):
        CLUB_CREATED = "club_created", _("club créé")
        CLUB_UPDATED = "club_updated", _("club modifié")
        CLUB_ARCHIVED = "club_archived", _("club archivé")
        CLUB_UNARCHIVED = "club_unarchived", _("club désarchivé")
        OWNER_NAMED = "owner_named", _("propriétaire nommé·e")
        INVITED = "invited", _("invitation envoyée")
        INVITATION_RESENT = "invitation_resent", _("invitation renvoyée")
        INVITATION_REVOKED = "invitation_revoked", _("invitation annulée")
        INVITATION_ACCEPTED = "invitation_accepted", _("invitation acceptée")
        INVITATION_RENEWAL_REQUESTED = (
            "invitation_renewal_requested",
            _("nouvelle invitation demandée"),
        )
        JOIN_REQUESTED = "join_requested", _("demande d'adhésion")
        JOIN_APPROVED = "join_approved", _("demande d'adhésion acceptée")
        JOIN_REFUSED = "join_refused", _("demande d'adhésion refusée")
        JOIN_WITHDRAWN = "join_withdrawn", _("demande d'adhésion retirée")
        ROLE_CHANGED = "role_changed", _("rôle modifié")
        REMOVED = "removed", _("membre retiré·e")
        LEFT = "left", _("départ du club")
        BANNED = "banned", _("exclusion")
        UNBANNED = "unbanned", _("fin d'exclusion")
        THREAD_PINNED = "thread_pinned", _("fil épinglé")
        THREAD_UNPINNED = "thread_unpinned", _("fil désépinglé")
        THREAD_LOCKED = "thread_locked", _("fil verrouillé")
        THREAD_UNLOCKED = "thread_unlocked", _("fil déverrouillé")
        THREAD_MOVED_OUT = "thread_moved_out", _("fil déplacé vers un autre club")
        THREAD_MOVED_IN = "thread_moved_in", _("fil reçu d'un autre club")
        ANSWER_ACCEPTED = "answer_accepted", _("réponse retenue")
        ANSWER_CLEARED = "answer_cleared", _("réponse retenue retirée")
        POST_HIDDEN = "post_hidden", _("message masqué")
        POST_RESTORED = "post_restored", _("message restauré")
        REPORT_DISMISSED = "report_dismissed", _("signalement classé sans suite")

    club = models.ForeignKey(
        Club, verbose_name=_("club"), on_delete=models.CASCADE, related_name="events"
    )
    actor = person(_("auteur·rice"))
    target_user = person(_("personne concernée"))
    target_email = models.EmailField(_("adresse concernée"), blank=True)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    detail = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("événement du club")
        verbose_name_plural = _("journal du club")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.club} : {self.get_kind_display()}"

    @property
    def summary(self) -> str:
        """What happened, in a sentence: the kind, and what the details say of it (the roles
        before and after, the thread, the clubs it left and joined, the reason shown to
        members)."""
        said = str(self.get_kind_display()).capitalize()
        detail = self.detail or {}
        roles = dict(Role.choices)
        if self.kind == self.Kind.ROLE_CHANGED and detail.get("previous"):
            before = roles.get(detail["previous"], detail["previous"])
            after = roles.get(detail.get("role", ""), detail.get("role", ""))
            return f"{said} : {before} → {after}"
        if self.kind == self.Kind.OWNER_NAMED and detail.get("previous"):
            before = roles.get(detail["previous"], detail["previous"])
            return f"{said} : {before} → {roles[Role.OWNER]}"
        if detail.get("thread"):
            said += f" « {detail['thread']} »"
        if detail.get("from_club") and detail.get("to_club"):
            said += f" : {detail['from_club']} → {detail['to_club']}"
        elif detail.get("other_club"):  # written before the journal named both clubs
            said += f" ({detail['other_club']})"
        if detail.get("reason"):
            said += f" : {detail['reason']}"
        return said
