"""Clubs: staff create, edit, archive and reopen them; staff or an owner name owners."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.action_errors import ActionError
from community.models import User

from .. import access
from ..audit import Kind, log_event
from ..models import Club, Invitation, JoinRequest, Membership, Profession, Role, Visibility
from ._shared import check_choice


def _require_owner_or_staff(actor: User, club: Club) -> Membership | None:
    membership = access.membership_of(actor, club)
    if not (access.is_site_staff(actor) or access.is_owner(membership)):
        raise PermissionDenied
    return membership


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:120] or "club"
    slug, n = base, 1
    taken = Club.objects.exclude(pk=exclude_pk) if exclude_pk else Club.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


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
    check_choice(profession, Profession.choices, _("Ce métier n'existe pas."))
    check_choice(visibility, Visibility.choices, _("Cette visibilité n'existe pas."))
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
    log_event(club=club, actor=actor, kind=Kind.CLUB_CREATED, name=club.name)
    if owner is not None:
        Membership.objects.create(user=owner, club=club, role=Role.OWNER, invited_by=actor)
        log_event(club=club, actor=actor, kind=Kind.OWNER_NAMED, target_user=owner)
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
        check_choice(profession, Profession.choices, _("Ce métier n'existe pas."))
        changes["profession"] = profession
    if visibility is not None:
        check_choice(visibility, Visibility.choices, _("Cette visibilité n'existe pas."))
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
    log_event(club=club, actor=actor, kind=Kind.CLUB_UPDATED, changes=changed)
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
    log_event(
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
    log_event(club=club, actor=actor, kind=Kind.CLUB_UNARCHIVED)
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
    log_event(club=club, actor=actor, kind=Kind.OWNER_NAMED, target_user=user, previous=previous)
    return membership
