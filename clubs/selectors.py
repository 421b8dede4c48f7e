"""Reads of clubs: querysets whose query count does not grow with the data.

Selectors do not check access: the caller has already asked `clubs.access` (for instance
`access_club_moderation` before `pending_invitations`).
"""

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim

from . import access
from .models import (
    ROLE_RANK,
    Ban,
    Club,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    Visibility,
)
from .tokens import hash_token, token_matches


def clubs_for_directory(user: access.Person) -> QuerySet[Club]:
    """Listed, active clubs, by name, each annotated with `member_count`, `is_member` (the user
    is a member) and `has_pending_request` (the user waits for an answer). One query."""
    if not access.is_active_user(user):
        return Club.objects.none()
    return (
        Club.objects.active()
        .filter(visibility=Visibility.LISTED)
        .annotate(
            member_count=Count("memberships", distinct=True),
            is_member=Exists(Membership.objects.filter(club=OuterRef("pk"), user=user)),
            has_pending_request=Exists(
                JoinRequest.objects.filter(
                    club=OuterRef("pk"), user=user, status=JoinRequest.Status.PENDING
                )
            ),
        )
        .order_by("name", "pk")
    )


def my_memberships(user: access.Person) -> QuerySet[Membership]:
    """The user's memberships with their clubs: active clubs first, then by club name."""
    if not access.is_active_user(user):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("club")
        .order_by("club__archived", "club__name", "club__pk")
    )


def _role_rank() -> Case:
    return Case(
        *[When(role=role, then=Value(rank)) for role, rank in ROLE_RANK.items()],
        default=Value(len(ROLE_RANK)),
        output_field=IntegerField(),
    )


def club_members(club: Club) -> QuerySet[Membership]:
    """The club's members with their user and profile: owners, then moderators, then members,
    each group by displayed name (profile name, else full name, else email), as
    `User.display_name` shows it."""
    return (
        Membership.objects.filter(club=club)
        .select_related("user__profile")
        .annotate(
            role_rank=_role_rank(),
            sort_name=Lower(
                Coalesce(
                    NullIf("user__profile__display_name", Value("")),
                    NullIf(
                        Trim(Concat("user__first_name", Value(" "), "user__last_name")),
                        Value(""),
                    ),
                    "user__email",
                    output_field=CharField(),
                )
            ),
        )
        .order_by("role_rank", "sort_name", "pk")
    )


def pending_invitations(club: Club) -> QuerySet[Invitation]:
    """Invitations still usable (not accepted, revoked or expired), newest first."""
    return (
        Invitation.objects.pending()
        .filter(club=club)
        .select_related("invited_by__profile")
        .order_by("-created_at", "-pk")
    )


def pending_join_requests(club: Club) -> QuerySet[JoinRequest]:
    """Join requests waiting for an answer, oldest first."""
    return (
        JoinRequest.objects.filter(club=club, status=JoinRequest.Status.PENDING)
        .select_related("user__profile")
        .order_by("created_at", "pk")
    )


def club_bans(club: Club) -> QuerySet[Ban]:
    """People banned from the club, newest first."""
    return club.bans.select_related("user__profile", "banned_by__profile").order_by(
        "-created_at", "-pk"
    )


def audit_log(club: Club) -> QuerySet[MembershipEvent]:
    """The club's membership events, newest first, with who did it and to whom."""
    return (
        MembershipEvent.objects.filter(club=club)
        .select_related("actor__profile", "target_user__profile")
        .order_by("-created_at", "-pk")
    )


def open_invitations(club: Club) -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked — pending or expired (to resend) — newest first."""
    return (
        Invitation.objects.open()
        .filter(club=club)
        .select_related("invited_by__profile")
        .order_by("-created_at", "-pk")
    )


def invitation_for_token(raw_token: str) -> Invitation | None:
    """The invitation a link points to, whatever its state, with its club and inviter."""
    if not raw_token:
        return None
    found = (
        Invitation.objects.select_related("club", "invited_by__profile")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    if found is None or not token_matches(raw_token, found.token_hash):
        return None
    return found


def moderation_queue(user: access.Person) -> QuerySet[Club]:
    """Active clubs the user moderates that have join requests waiting, with their count."""
    pending = Count("join_requests", filter=Q(join_requests__status=JoinRequest.Status.PENDING))
    return (
        access.clubs_moderated_by(user)
        .annotate(pending_requests=pending)
        .filter(pending_requests__gt=0)
        .order_by("name")
    )


def clubs_for_staff() -> QuerySet[Club]:
    """Every club, with its member count: the GIP staff's list, archived clubs last."""
    return Club.objects.annotate(member_count=Count("memberships")).order_by("archived", "name")
