"""THE rules of who may see or do what in a club.

Every view, consumer, email, download and guide asks this module. It reasons about clubs and
memberships only and imports nothing from `messaging` or `cms`: other objects are judged by their
club. Each rule reads the current database state (no caching), so a removal or a ban takes effect
at the very next request.

Two kinds of answers:
- checks (`access_club`, `access_club_content`, `access_club_moderation`) return the club and the
  membership or raise Http404 (a non-member gets the same 404 as for something that does not
  exist) or PermissionDenied (a member lacking a role gets 403);
- predicates (`is_moderator`, `can_post`, ...) and queryset filters (`clubs_visible_to`).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from community.models import User

from .models import MANAGER_ROLES, Ban, Club, JoinRequest, Membership, Role, Visibility


def is_active_user(user) -> bool:
    """A logged-in account that has not been deactivated."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def is_site_staff(user) -> bool:
    """GIP staff: an active account with `is_staff`. Staff create and manage clubs."""
    return is_active_user(user) and bool(user.is_staff)


def may_use_editor(user) -> bool:
    """Wagtail's editor (/edition/): staff, and the editorial groups given its access right."""
    return is_active_user(user) and (user.is_staff or user.has_perm("wagtailadmin.access_admin"))


def staff_required(user) -> None:
    """Only GIP staff create clubs (and archive them, name owners): PermissionDenied otherwise."""
    if not is_site_staff(user):
        raise PermissionDenied


# --- Querysets ----------------------------------------------------------------------------------


def clubs_visible_to(user) -> QuerySet[Club]:
    """Clubs whose directory entry (name, description) this user may see.

    Staff see every club. Other active users see the listed clubs that are not archived, plus
    every club they are a member of (secret or archived included). Anonymous users see none.
    """
    if not is_active_user(user):
        return Club.objects.none()
    if user.is_staff:
        return Club.objects.all()
    member_of = Membership.objects.filter(user=user).values("club_id")
    return Club.objects.filter(
        Q(visibility=Visibility.LISTED, archived=False) | Q(pk__in=member_of)
    )


def member_clubs(user) -> QuerySet[Club]:
    """Active (not archived) clubs the user is a member of."""
    if not is_active_user(user):
        return Club.objects.none()
    return Club.objects.active().filter(
        pk__in=Membership.objects.filter(user=user).values("club_id")
    )


def clubs_moderated_by(user) -> QuerySet[Club]:
    """Active clubs the user owns or moderates, never one they are banned from (a ban always
    wins, even if a membership row were left behind)."""
    if not is_active_user(user):
        return Club.objects.none()
    managed = Membership.objects.filter(user=user, role__in=MANAGER_ROLES)
    banned = Ban.objects.filter(user=user).values("club_id")
    return Club.objects.active().filter(pk__in=managed.values("club_id")).exclude(pk__in=banned)


def readable_clubs(user) -> QuerySet[Club]:
    """Clubs whose content (threads, posts) the user may read: the same rule as
    `access_club_content`, as a queryset — every club they are a member of and not banned from,
    archived ones included (read-only), secret ones only for their members. Staff read no
    content of a club they are not a member of."""
    if not is_active_user(user):
        return Club.objects.none()
    banned = Ban.objects.filter(user=user, club=OuterRef("pk"))
    member_of = Membership.objects.filter(user=user).values("club_id")
    return Club.objects.filter(pk__in=member_of).filter(~Exists(banned))


# --- Membership lookups -------------------------------------------------------------------------


def membership_of(user, club: Club) -> Membership | None:
    """The user's membership of the club, or None (anonymous or deactivated user, not a member,
    or banned — a ban always wins, even if a membership row were left behind)."""
    if not is_active_user(user) or club is None:
        return None
    banned = Ban.objects.filter(user=OuterRef("user_id"), club=OuterRef("club_id"))
    return Membership.objects.filter(user=user, club=club).filter(~Exists(banned)).first()


def is_banned(user, club: Club) -> bool:
    """Whether the user is banned from the club."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Ban.objects.filter(user=user, club=club).exists()


def _club_by_slug(slug: str) -> Club:
    club = Club.objects.filter(slug=slug).first()
    if club is None:
        raise Http404
    return club


# --- Checks -------------------------------------------------------------------------------------


def access_club(user, slug: str) -> tuple[Club, Membership | None]:
    """The club's public face (name, description, join button): club and membership (or None).

    Http404 if the club does not exist, if the user is anonymous or deactivated, or if the club
    is secret or archived and the user is neither a member nor staff. A listed, active club is
    shown to every logged-in user — its content is not (see `access_club_content`).
    """
    if not is_active_user(user):
        raise Http404
    club = _club_by_slug(slug)
    membership = membership_of(user, club)
    if club.is_listed and not club.archived:
        return club, membership
    if membership is not None or user.is_staff:
        return club, membership
    raise Http404


def access_club_content(user, slug: str) -> tuple[Club, Membership]:
    """The club's content (threads, posts, files, members list): club and membership.

    Http404 unless the user is an active, non-banned member. Staff who are not members also get
    404: staff manage clubs (create, archive, name owners, moderate membership) but do not read
    private discussions. An archived club's content stays readable by its members, read-only:
    check `can_post(membership, club)` before any write.
    """
    if not is_active_user(user):
        raise Http404
    club = _club_by_slug(slug)
    membership = membership_of(user, club)
    if membership is None:
        raise Http404
    return club, membership


def access_club_moderation(user, slug: str) -> tuple[Club, Membership | None]:
    """The club's moderation pages (invitations, join requests, members, bans, audit log).

    Staff are allowed (membership may then be None). A non-member gets Http404, a member who is
    neither moderator nor owner gets PermissionDenied (403). Powers stop at the club: a moderator
    of another club is a non-member here.
    """
    if not is_active_user(user):
        raise Http404
    club = _club_by_slug(slug)
    membership = membership_of(user, club)
    if user.is_staff:
        return club, membership
    if membership is None:
        raise Http404
    if not is_moderator(membership):
        raise PermissionDenied
    return club, membership


# --- Predicates ---------------------------------------------------------------------------------


def is_moderator(membership: Membership | None) -> bool:
    """Moderators and owners run the club's membership."""
    return membership is not None and membership.role in MANAGER_ROLES


def is_owner(membership: Membership | None) -> bool:
    """Owners, in addition, name other owners and cannot be touched by moderators."""
    return membership is not None and membership.role == Role.OWNER


def can_post(membership: Membership | None, club: Club) -> bool:
    """Members write in active clubs; an archived club is read-only."""
    return membership is not None and not club.archived


def can_manage_members(user, membership: Membership | None) -> bool:
    """Invite, approve or refuse join requests, remove and ban: staff, owners and moderators."""
    return is_site_staff(user) or (is_active_user(user) and is_moderator(membership))


def can_change_role(
    actor_membership: Membership | None,
    target_membership: Membership,
    new_role: str,
    *,
    actor_is_staff: bool,
) -> bool:
    """Whether the actor may give `new_role` to the target.

    Staff and owners may set any role. A moderator may switch members and moderators, but can
    neither touch an owner nor make someone owner. Members may change nothing. (That a club
    keeps at least one owner is a domain rule, checked by `actions.change_role`.)
    """
    if actor_is_staff or is_owner(actor_membership):
        return True
    if not is_moderator(actor_membership):
        return False
    return target_membership.role != Role.OWNER and new_role != Role.OWNER


def can_act_on_member(
    actor_membership: Membership | None, target_membership: Membership, *, actor_is_staff: bool
) -> bool:
    """Whether the actor may remove (or ban) the target: staff and owners may; a moderator may
    act on members and moderators but not on owners."""
    if actor_is_staff or is_owner(actor_membership):
        return True
    return is_moderator(actor_membership) and target_membership.role != Role.OWNER


def has_pending_join_request(user, club: Club) -> bool:
    """Whether the user already waits for an answer from this club."""
    return JoinRequest.objects.filter(
        user=user, club=club, status=JoinRequest.Status.PENDING
    ).exists()


def can_request_to_join(user, club: Club) -> bool:
    """A logged-in user may ask to join a listed, active club they are not a member of, are not
    banned from, and have no pending request for."""
    if not is_active_user(user):
        return False
    if not club.is_listed or club.archived:
        return False
    if Membership.objects.filter(user=user, club=club).exists():
        return False
    if is_banned(user, club):
        return False
    return not has_pending_join_request(user, club)


def shares_a_club(viewer, other) -> bool:
    """Whether two people are members of a same active club: members see each other's profile
    only through a club they share (and everyone sees their own)."""
    if not is_active_user(viewer) or other is None or not other.is_active:
        return False
    if viewer.pk == other.pk:
        return True
    return people_sharing_a_club_with(viewer).filter(pk=other.pk).exists()


def people_sharing_a_club_with(viewer, *, via_clubs: QuerySet[Club] | None = None) -> QuerySet:
    """The directory's rule, as a filter on accounts: the active people who are members of an
    active club the viewer is a member of (the viewer included), through a membership that no
    ban contradicts. `via_clubs` narrows the shared clubs (it is intersected with the viewer's)."""
    if not is_active_user(viewer):
        return User.objects.none()
    clubs = member_clubs(viewer).exclude(bans__user=viewer)
    if via_clubs is not None:
        clubs = clubs.filter(pk__in=via_clubs.values("pk"))
    banned = Ban.objects.filter(user=OuterRef("user_id"), club=OuterRef("club_id"))
    shared = Membership.objects.filter(club__in=clubs.values("pk")).filter(~Exists(banned))
    return User.objects.filter(is_active=True, pk__in=shared.values("user_id"))


def holds_powers_in(user, slug: str | None) -> bool:
    """Whether the user would act with powers on this club's page: GIP staff anywhere, a
    moderator or owner in their own club. (Used to ask for two-factor authentication first.)"""
    if is_site_staff(user):
        return True
    if not is_active_user(user) or not slug:
        return False
    return Membership.objects.filter(user=user, club__slug=slug, role__in=MANAGER_ROLES).exists()


# --- Audiences (guides and other content aimed at some clubs) -----------------------------------
# An audience is a set of clubs; an empty audience means every member. The content itself (a
# guide) is unknown here: callers pass the audience's club ids, or filter their queryset with
# `audience_filter` on the name of their audience relation.


def audience_club_ids(user) -> QuerySet:
    """Ids of the clubs whose audience the user belongs to: the clubs they are a (non-banned)
    member of, archived ones included (their content stays readable by their members)."""
    if not is_active_user(user):
        return Membership.objects.none().values("club_id")
    banned = Ban.objects.filter(user=OuterRef("user_id"), club=OuterRef("club_id"))
    return Membership.objects.filter(user=user).filter(~Exists(banned)).values("club_id")


def may_read_audience(user, club_ids) -> bool:
    """Whether the user may read content aimed at these clubs: staff always; other active users
    when the audience is empty (every member) or includes one of their clubs."""
    if not is_active_user(user):
        return False
    club_ids = set(club_ids)
    if user.is_staff or not club_ids:
        return True
    return audience_club_ids(user).filter(club_id__in=club_ids).exists()


def audience_filter(user, audience: str) -> Q:
    """The queryset filter matching `may_read_audience`, for a model whose many-to-many relation
    to Club is named `audience`. It may match a row once per club: filter on `pk__in` a
    subquery (or use distinct) to list each row once."""
    if not is_active_user(user):
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    return Q(**{f"{audience}__isnull": True}) | Q(**{f"{audience}__in": audience_club_ids(user)})


# --- What a person may still hear about (notifications, emails, digests) -------------------------
# Notifications about a club's content reach their recipient only through `readable_clubs`,
# checked again at delivery; those for moderators through `clubs_run_by`.


def clubs_run_by(user) -> QuerySet[Club]:
    """Clubs whose membership the user runs now (join requests, reports): staff run every club,
    moderators and owners their own."""
    if not is_active_user(user):
        return Club.objects.none()
    if user.is_staff:
        return Club.objects.all()
    managed = Membership.objects.filter(user=user, role__in=MANAGER_ROLES).values("club_id")
    return readable_clubs(user).filter(pk__in=managed)


def clubs_banning(user) -> QuerySet[Club]:
    """Clubs the user is banned from: news of them (an invitation, an answer) no longer reach
    them."""
    return Club.objects.filter(pk__in=Ban.objects.filter(user=user).values("club_id"))
