"""THE rules of who may see or do what in a club.

Every view, consumer, email, download and guide asks this module. It reasons about clubs and
memberships only and imports nothing from `messaging` or `cms`: other objects are judged by their
club. Each rule reads the current database state (no caching), so a removal or a ban takes effect
at the very next request.

Three kinds of answers:
- checks (`access_club`, `access_club_content`, `access_club_moderation`, `staff_required`,
  `editor_required`) return the club and the membership or raise Http404 (a non-member gets the
  same 404 as for something that does not exist) or PermissionDenied (a member lacking a role
  gets 403);
- rights of a reader in a thread (`thread_rights`) and over a member (`member_rights`): what
  views, actions, post fragments, templates and the page script all read;
- predicates (`is_moderator`, `can_post`, ...) and queryset filters (`clubs_visible_to`).

Powers (moderator, owner, staff, editor, superuser) are granted in the checks and the rights
above, and only there: each grant passes through `use_power`, which asks for a second factor
first when `REQUIRE_MFA_FOR_POWERS` is on. So an HTTP view, a websocket frame and the editor
need it alike, from the one place that decides the power.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, TypedDict, TypeGuard

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from community.models import User

from .models import MANAGER_ROLES, Ban, Club, JoinRequest, Membership, Role, Visibility

#: Whoever asks: an account, an anonymous visitor, or nobody (a live post rendered for anyone).
Person: TypeAlias = User | AnonymousUser | None


class _ClubId(TypedDict):
    club_id: int


class ClubThread(Protocol):
    """What the rules read of a thread, fetched by its app's selector."""

    @property
    def club(self) -> Club: ...

    @property
    def author_id(self) -> int | None: ...

    @property
    def locked(self) -> bool: ...


def is_active_user(user: Person) -> TypeGuard[User]:
    """A logged-in account that has not been deactivated."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def is_site_staff(user: Person) -> bool:
    """GIP staff: an active account with `is_staff`. Staff create and manage clubs."""
    return is_active_user(user) and bool(user.is_staff)


def may_use_editor(user: Person) -> bool:
    """Wagtail's editor (/edition/): staff, and the editorial groups given its access right."""
    return is_active_user(user) and (user.is_staff or user.has_perm("wagtailadmin.access_admin"))


def may_use_admin(user: Person) -> bool:
    """Django's technical admin: superusers only."""
    return is_active_user(user) and bool(user.is_superuser)


# --- Powers and the second factor ---------------------------------------------------------------


class SecondFactorRequired(PermissionDenied):
    """The person holds the power they are about to use, but must turn on two-factor
    authentication first: a stolen password alone must not remove members or publish guides.
    The HTTP middleware sends them to set it up, the websocket answers with an error frame;
    nothing is done either way."""


def has_second_factor(user: User) -> bool:
    """Whether the account has an authenticator app (recovery codes alone do not count)."""
    cached: bool | None = getattr(user, "_has_second_factor", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_second_factor = cached  # asked once per request, however many powers it uses
    return cached


def use_power(user: Person) -> None:
    """Every grant of a power passes here: SecondFactorRequired unless the person may use it."""
    if settings.REQUIRE_MFA_FOR_POWERS and not (is_active_user(user) and has_second_factor(user)):
        raise SecondFactorRequired


def staff_required(user: Person) -> None:
    """Only GIP staff create clubs (and archive them, name owners): PermissionDenied otherwise."""
    if not is_site_staff(user):
        raise PermissionDenied
    use_power(user)


def editor_required(user: Person) -> None:
    """Wagtail's editor and the files only its people see: Http404 for anyone else."""
    if not may_use_editor(user):
        raise Http404
    use_power(user)


def admin_required(user: Person) -> bool:
    """Whether Django's admin lets the person in (False: its login page), after the power check."""
    if not may_use_admin(user):
        return False
    use_power(user)
    return True


# --- Querysets ----------------------------------------------------------------------------------


def clubs_visible_to(user: Person) -> QuerySet[Club]:
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


def member_clubs(user: Person) -> QuerySet[Club]:
    """Active (not archived) clubs the user is a member of (a ban always wins, even if a
    membership row were left behind)."""
    if not is_active_user(user):
        return Club.objects.none()
    return Club.objects.active().filter(
        pk__in=_unbanned(Membership.objects.filter(user=user)).values("club_id")
    )


def clubs_moderated_by(user: Person) -> QuerySet[Club]:
    """Active clubs the user owns or moderates, never one they are banned from (a ban always
    wins, even if a membership row were left behind)."""
    return Club.objects.active().filter(pk__in=_moderating(user).values("club_id"))


def move_targets(user: Person, thread: ClubThread) -> QuerySet[Club]:
    """The clubs the user may move the thread to: the other active clubs they moderate. With
    none, the thread page offers no « Déplacer »."""
    return clubs_moderated_by(user).exclude(pk=thread.club.pk)


def _moderating(user: Person) -> QuerySet[Membership]:
    """THE rule of who moderates a club: an active account whose membership has a manager's
    role and that no ban contradicts. Every list of moderators, in either direction, is read
    from here."""
    if not is_active_user(user):
        return Membership.objects.none()
    return _unbanned(Membership.objects.filter(user=user, role__in=MANAGER_ROLES))


def _unbanned(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    banned = Ban.objects.filter(user=OuterRef("user_id"), club=OuterRef("club_id"))
    return memberships.filter(~Exists(banned))


def _managing(club: Club | int | OuterRef) -> QuerySet[Membership]:
    """The memberships of the club's moderators and owners now: active accounts, not banned."""
    return _unbanned(
        Membership.objects.filter(club=club, role__in=MANAGER_ROLES, user__is_active=True)
    )


def moderators_of(club: Club) -> QuerySet[User]:
    """The people who moderate the club now (owners included): those told of its join requests,
    reports and invitation renewals."""
    return User.objects.filter(pk__in=_managing(club).values("user_id"))


def report_handlers(club: Club, post_author_id: int | None) -> QuerySet[User]:
    """Who is told of a report on a post: the club's moderators but its author, who may not
    handle it (`ThreadRights.may_moderate_post`)."""
    return User.objects.filter(pk__in=_handling(club, post_author_id).values("user_id"))


def has_report_handler(club: int | OuterRef, post_author_id: int | None | OuterRef) -> Exists:
    """`report_handlers` as a filter: whether someone may handle a report on a post of the club
    (pass `OuterRef`s to ask it of each row of a queryset of reports)."""
    return Exists(_handling(club, post_author_id))


def _handling(
    club: Club | int | OuterRef, post_author_id: int | None | OuterRef
) -> QuerySet[Membership]:
    """THE rule of who handles a report on a post: the memberships of the club's active
    moderators and owners, but the post's author's."""
    managers = _managing(club)
    if isinstance(post_author_id, OuterRef):
        # A post whose author's account is gone (NULL) is nobody's: every moderator may decide.
        return managers.exclude(user_id=Coalesce(post_author_id, Value(0)))
    if post_author_id is not None:
        return managers.exclude(user_id=post_author_id)
    return managers


def staff_for_unhandled_reports(club: Club, post_author_id: int | None) -> QuerySet[User]:
    """When nobody but the post's author moderates the club, a report on it goes to the GIP
    staff: they read no discussion, but they name another moderator (or owner) who decides.
    None otherwise."""
    if report_handlers(club, post_author_id).exists():
        return User.objects.none()
    staff = User.objects.filter(is_active=True, is_staff=True)
    return staff if post_author_id is None else staff.exclude(pk=post_author_id)


def readers_of(club: Club) -> QuerySet[User]:
    """The people who may read the club's content now: `readable_clubs` seen from the club's
    side (active accounts, members, not banned). Whoever is told about a thread is one of them."""
    members = _unbanned(Membership.objects.filter(club=club))
    return User.objects.filter(is_active=True, pk__in=members.values("user_id"))


def readable_clubs(user: Person) -> QuerySet[Club]:
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


def membership_of(user: Person, club: Club | None, **also: Any) -> Membership | None:
    """The user's membership of the club, or None (anonymous or deactivated user, not a member,
    or banned — a ban always wins, even if a membership row were left behind).

    `also`: annotations read in the same query, for a caller that needs its own rows about the
    member beside the check (a reply: an earlier post with the same client id, the read
    position), so that the check costs no statement of its own."""
    if not is_active_user(user) or club is None:
        return None
    return _unbanned(Membership.objects.filter(user=user, club=club)).annotate(**also).first()


def is_banned(user: Person, club: Club) -> bool:
    """Whether the user is banned from the club."""
    if not isinstance(user, User):  # anonymous
        return False
    return Ban.objects.filter(user=user, club=club).exists()


def _club_by_slug(slug: str) -> Club:
    club = Club.objects.filter(slug=slug).first()
    if club is None:
        raise Http404
    return club


# --- Checks -------------------------------------------------------------------------------------


def access_club(user: Person, slug: str) -> tuple[Club, Membership | None]:
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


def access_club_content(user: Person, slug: str) -> tuple[Club, Membership]:
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


def access_club_moderation(user: Person, slug: str) -> tuple[Club, Membership | None]:
    """The club's moderation pages (invitations, join requests, members, bans, audit log).

    Staff are allowed (membership may then be None). A non-member gets Http404, a member who is
    neither moderator nor owner gets PermissionDenied (403). Powers stop at the club: a moderator
    of another club is a non-member here.
    """
    if not is_active_user(user):
        raise Http404
    club = _club_by_slug(slug)
    membership = membership_of(user, club)
    if not user.is_staff:
        if membership is None:
            raise Http404
        if not is_moderator(membership):
            raise PermissionDenied
    use_power(user)
    return club, membership


def access_club_reports(user: Person, slug: str) -> tuple[Club, Membership]:
    """The club's reports queue, which quotes posts: its moderators and owners only. Staff who
    are not members get the 404 of any content of the club (they run clubs, they do not read
    their discussions); a member without the role gets 403."""
    club, membership = access_club_content(user, slug)
    if not is_moderator(membership):
        raise PermissionDenied
    use_power(user)
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
    return membership is not None and _takes_writing(club)


def _takes_writing(club: Club) -> bool:
    return not club.archived


def can_manage_members(user: Person, membership: Membership | None) -> bool:
    """Invite, approve or refuse join requests, remove and ban: staff, owners and moderators."""
    return is_site_staff(user) or (is_active_user(user) and is_moderator(membership))


@dataclass(frozen=True, kw_only=True)
class _Rights:
    """Rights of one person, each a boolean for display; `require` is the check before use."""

    user: Person = field(compare=False, repr=False)
    #: The rights this person holds through a power (moderation, ownership, staff), not through
    #: plain membership: using one asks for the second factor first.
    powers: frozenset[str] = frozenset()

    def require(self, right: str) -> None:
        """PermissionDenied unless the right is held; SecondFactorRequired if it is a power
        that may not be used yet."""
        if not getattr(self, right):
            raise PermissionDenied
        if right in self.powers:
            use_power(self.user)


@dataclass(frozen=True, kw_only=True)
class MemberRights(_Rights):
    """What the viewer may do to one member of the club (the members page shows only these)."""

    roles: tuple[str, ...] = ()  # the roles they may give this member; empty: none
    remove: bool = False
    ban: bool = False

    @property
    def change_role(self) -> bool:
        return bool(self.roles)


MEMBER_POWERS = frozenset({"change_role", "remove", "ban"})


def member_rights(
    actor: Person, actor_membership: Membership | None, target: Membership
) -> MemberRights:
    """The one rule over members, for the members page and the actions alike. Staff and owners
    may give any role (an owner may so step down); a moderator may switch members and
    moderators, never touch an owner nor make someone owner. Staff and owners may remove anyone
    else; a moderator, anyone else but an owner. Only staff ban an owner. Members may do
    nothing. (That a club keeps an owner is a domain rule of the actions.)"""
    if not is_active_user(actor) or not can_manage_members(actor, actor_membership):
        return MemberRights(user=actor)
    staff, owner = is_site_staff(actor), is_owner(actor_membership)
    target_is_owner = target.role == Role.OWNER
    someone_else = target.user_id != actor.pk
    if staff or owner:
        roles = tuple(Role.values)
    elif target_is_owner:
        roles = ()
    else:
        roles = (Role.MEMBER, Role.MODERATOR)
    return MemberRights(
        user=actor,
        powers=MEMBER_POWERS,
        roles=roles,
        remove=someone_else and (staff or owner or not target_is_owner),
        ban=someone_else and (staff or not target_is_owner),
    )


@dataclass(frozen=True, kw_only=True)
class ThreadRights(_Rights):
    """What a member may do in one thread. Views, actions, the post fragments, the templates and
    the page script read these, and nothing else."""

    read: bool = False
    writable: bool = False  # the club takes writing (it is not archived)
    post: bool = False  # reply: in a locked thread, only moderators
    react: bool = False
    moderate: bool = False  # pin, lock, move; hide and restore posts; handle reports
    accept: bool = False  # mark or clear the accepted answer: its author, or a moderator

    def owns(self, post_author_id: int | None) -> bool:
        """Whether the post is the reader's own: only its author deletes or rewrites it, and
        nobody reports their own post."""
        me = getattr(self.user, "pk", None)
        return self.read and post_author_id is not None and post_author_id == me

    def may_edit(self, post_author_id: int | None) -> bool:
        return self.writable and self.owns(post_author_id)

    def may_report(self, post_author_id: int | None) -> bool:
        return self.read and not self.owns(post_author_id)

    def may_moderate_post(self, post_author_id: int | None) -> bool:
        """Hide or restore a post, handle the reports on it: a moderator's power, never over
        their own post (another moderator or the staff decides, and only they are told)."""
        return self.moderate and not self.owns(post_author_id)


def thread_rights(user: Person, membership: Membership | None, thread: ClubThread) -> ThreadRights:
    """The member's rights in a thread (read after its selector fetched it: `club`,
    `author_id`, `locked`). `membership` is the user's in the thread's club (None: no rights)."""
    if not is_active_user(user) or membership is None:
        return ThreadRights(user=user)
    is_author = thread.author_id is not None and thread.author_id == user.pk
    return _thread_rights(user, thread, moderator=is_moderator(membership), is_author=is_author)


def any_member_rights(thread: ClubThread) -> ThreadRights:
    """The rights of a plain member who did not write the thread: a live post is rendered once
    with these for every reader, and each page keeps the controls of its own rights."""
    return _thread_rights(None, thread, moderator=False, is_author=False)


def _thread_rights(
    user: Person, thread: ClubThread, *, moderator: bool, is_author: bool
) -> ThreadRights:
    writable = _takes_writing(thread.club)
    powers = {"moderate"}
    if thread.locked:
        powers.add("post")
    if not is_author:
        powers.add("accept")
    return ThreadRights(
        user=user,
        powers=frozenset(powers),
        read=True,
        writable=writable,
        post=writable and (moderator or not thread.locked),
        react=writable,
        moderate=moderator,
        accept=writable and (is_author or moderator),
    )


def may_move(rights: ThreadRights, thread: ClubThread) -> bool:
    """Whether the reader is offered « Déplacer »: a moderator of the thread's club who moderates
    another active club to move it to (`move_targets`)."""
    return rights.moderate and move_targets(rights.user, thread).exists()


def has_pending_join_request(user: User, club: Club) -> bool:
    """Whether the user already waits for an answer from this club."""
    return JoinRequest.objects.filter(
        user=user, club=club, status=JoinRequest.Status.PENDING
    ).exists()


def can_request_to_join(user: Person, club: Club) -> bool:
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


def shares_a_club(viewer: Person, other: User | None) -> bool:
    """Whether two people are members of a same active club: members see each other's profile
    only through a club they share (and everyone sees their own)."""
    if not is_active_user(viewer) or other is None or not other.is_active:
        return False
    if viewer.pk == other.pk:
        return True
    return people_sharing_a_club_with(viewer).filter(pk=other.pk).exists()


def people_sharing_a_club_with(
    viewer: Person, *, via_clubs: QuerySet[Club] | None = None
) -> QuerySet[User]:
    """The directory's rule, as a filter on accounts: the active people who are members of an
    active club the viewer is a member of (the viewer included), through a membership that no
    ban contradicts. `via_clubs` narrows the shared clubs (it is intersected with the viewer's)."""
    if not is_active_user(viewer):
        return User.objects.none()
    clubs = member_clubs(viewer).exclude(bans__user=viewer)
    if via_clubs is not None:
        clubs = clubs.filter(pk__in=via_clubs.values("pk"))
    shared = _unbanned(Membership.objects.filter(club__in=clubs.values("pk")))
    return User.objects.filter(is_active=True, pk__in=shared.values("user_id"))


# --- Audiences (guides and other content aimed at some clubs) -----------------------------------
# An audience is a set of clubs; an empty audience means every member. The content itself (a
# guide) is unknown here: callers pass the audience's club ids, or filter their queryset with
# `audience_filter` on the name of their audience relation.


def audience_club_ids(user: Person) -> QuerySet[Membership, _ClubId]:
    """Ids of the clubs whose audience the user belongs to: the clubs they are a (non-banned)
    member of, archived ones included (their content stays readable by their members)."""
    if not is_active_user(user):
        return Membership.objects.none().values("club_id")
    return _unbanned(Membership.objects.filter(user=user)).values("club_id")


def may_read_audience(user: Person, club_ids: Iterable[int]) -> bool:
    """Whether the user may read content aimed at these clubs: active users when the audience
    is empty (every member) or includes one of their clubs; staff always, through their power
    beyond that (a second factor first, see `use_power`)."""
    if not is_active_user(user):
        return False
    club_ids = set(club_ids)
    if not club_ids or audience_club_ids(user).filter(club_id__in=club_ids).exists():
        return True
    if user.is_staff:
        use_power(user)
        return True
    return False


def audience_filter(user: Person, audience: str) -> Q:
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


def clubs_run_by(user: Person) -> QuerySet[Club]:
    """Clubs whose membership the user runs now (join requests, reports): staff run every club,
    moderators and owners their own."""
    if is_site_staff(user):
        return Club.objects.all()
    return Club.objects.filter(pk__in=_moderating(user).values("club_id"))


def clubs_banning(user: User) -> QuerySet[Club]:
    """Clubs the user is banned from: news of them (an invitation, an answer) no longer reach
    them."""
    return Club.objects.filter(pk__in=Ban.objects.filter(user=user).values("club_id"))
