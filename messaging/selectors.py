"""Reads of the discussions. Lookups of single objects ask `clubs.access` about the object's
club (a non-member gets the same 404 as for a missing object); list selectors take a club the
caller has already checked, and run a number of queries that does not grow with the data."""

from datetime import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.text import slugify

from clubs import access
from clubs.models import Club
from community.models import Profile, User

from .models import (
    Attachment,
    Post,
    Reaction,
    ReadState,
    Report,
    Thread,
    ThreadSubscription,
    visible_posts,
)

VISIBLE = visible_posts()


def thread_for(user: access.Person, slug: str, pk: int) -> tuple[Thread, access.ThreadRights]:
    """A thread of the club `slug` that the user may read, with their rights in it."""
    club, membership = access.access_club_content(user, slug)
    thread = Thread.objects.filter(pk=pk, club=club).select_related("club", "author__profile")
    found = thread.first()
    if found is None:
        raise Http404
    return found, access.thread_rights(user, membership, found)


def post_for(user: access.Person, slug: str, pk: int) -> tuple[Post, access.ThreadRights]:
    """A post of a thread of the club `slug` that the user may read, with their rights in its
    thread."""
    club, membership = access.access_club_content(user, slug)
    found = (
        Post.objects.filter(pk=pk, thread__club=club)
        .select_related("thread__club", "author__profile")
        .first()
    )
    if found is None:
        raise Http404
    return found, access.thread_rights(user, membership, found.thread)


def attachment_for(user: access.Person, slug: str, pk: int) -> Attachment:
    """An attachment of a visible post of the club `slug`, for a member of that club."""
    club, _membership = access.access_club_content(user, slug)
    found = (
        Attachment.objects.filter(pk=pk, post__thread__club=club)
        .filter(visible_posts("post__"))
        .first()
    )
    if found is None:
        raise Http404
    return found


def open_reports(club: Club) -> QuerySet[Report]:
    """Reports waiting for the club's moderators, oldest first."""
    return (
        Report.objects.filter(post__thread__club=club, status=Report.Status.OPEN)
        .select_related("post__thread__club", "post__author__profile", "reporter__profile")
        .order_by("created_at", "pk")
    )


def clubs_with_pending_reports(user: access.Person) -> QuerySet[Club]:
    """The clubs the user moderates where reports wait for them, each with `pending_reports`:
    reports on their own posts wait for another moderator and are not counted. One query."""
    if not access.is_active_user(user):
        return Club.objects.none()
    waiting = Q(threads__posts__reports__status=Report.Status.OPEN) & ~Q(
        threads__posts__author=user
    )
    return (
        access.clubs_moderated_by(user)
        .annotate(pending_reports=Count("threads__posts__reports", filter=waiting))
        .filter(pending_reports__gt=0)
        .order_by("name")
    )


def clubs_with_unhandled_reports(user: access.Person) -> QuerySet[Club]:
    """For the GIP staff: the clubs where reports wait that nobody may decide (only the post's
    author moderates the club: `access.has_report_handler`), each with `unhandled_reports`, for
    them to name someone who will. One query; none for anyone else."""
    if not access.is_site_staff(user):
        return Club.objects.none()
    unhandled = Report.objects.filter(status=Report.Status.OPEN).filter(
        ~access.has_report_handler(OuterRef("post__thread__club_id"), OuterRef("post__author_id"))
    )
    return (
        Club.objects.annotate(
            unhandled_reports=Count(
                "threads__posts__reports",
                filter=Q(threads__posts__reports__in=unhandled.values("pk")),
            )
        )
        .filter(unhandled_reports__gt=0)
        .order_by("name")
    )


# --- The club's threads -------------------------------------------------------------------------

THREADS_PER_PAGE = 30
THREAD_FILTERS = {
    "sans-reponse": Q(post_count__lte=1),
    "resolus": Q(accepted_answer__isnull=False),
    "suivis": Q(followed=True),
    "non-lus": Q(unread_count__gt=0),
}


def club_threads(club: Club, user: User, *, filter_name: str = "") -> QuerySet[Thread]:
    """The club's threads, pinned first then by last activity, each annotated with
    `last_read` (None if never opened), `unread_count` (visible posts after it) and `followed`."""
    read = ReadState.objects.filter(thread=OuterRef("pk"), user=user).values("last_read_post_id")
    unread = (
        Post.objects.filter(VISIBLE, thread=OuterRef("pk"), id__gt=OuterRef("read_up_to"))
        .order_by()
        .values("thread")
        .annotate(count=Count("id"))
        .values("count")
    )
    followed = ThreadSubscription.objects.filter(
        thread=OuterRef("pk"), user=user, level=ThreadSubscription.Level.FOLLOW
    )
    threads = (
        Thread.objects.filter(club=club)
        .select_related("author__profile", "last_post__author__profile")
        .defer("search_document", "last_post__search_document")
        .annotate(
            last_read=Subquery(read[:1]),
            read_up_to=Coalesce(Subquery(read[:1]), Value(0)),
            unread_count=Coalesce(Subquery(unread[:1]), Value(0), output_field=IntegerField()),
            followed=Exists(followed),
        )
        .order_by("-pinned", "-last_activity_at", "-pk")
    )
    if filter_name in THREAD_FILTERS:
        threads = threads.filter(THREAD_FILTERS[filter_name])
    return threads


# --- A thread's posts ---------------------------------------------------------------------------

POSTS_PER_PAGE = 50


class PostWindow:
    """A window of consecutive posts of a thread, found by key (post id), so that the 5,000th
    post costs what the first does. `has_before` / `has_after` say whether more posts lie on
    either side."""

    def __init__(self, posts: list[Post], has_before: bool, has_after: bool):
        self.posts = posts
        self.has_before = has_before
        self.has_after = has_after

    @property
    def first_id(self) -> int | None:
        return self.posts[0].pk if self.posts else None

    @property
    def last_id(self) -> int | None:
        return self.posts[-1].pk if self.posts else None


# What the thread page shows of a post, its author and its files (messaging/_post.html and the
# key of its kept fragment, messaging/fragments.py), and nothing more: building the 50 posts of
# a page with every column of the post (its Markdown source, its search vector), of its author
# (password, flags...) and of their profile was the larger part of the page's ORM time.
# A field left out here and read by the template would cost a query per post: the query-count
# tests (tests/messaging/test_messaging_query_counts.py) would see it.
PAGE_POST_FIELDS = (
    "id", "thread_id", "author_id", "html", "created_at", "edited_at", "deleted_at",
    "hidden_at", "hidden_reason",
    "author__id", "author__email", "author__first_name", "author__last_name",
    "author__profile__id", "author__profile__user_id", "author__profile__display_name",
    "author__profile__handle", "author__profile__job_title", "author__profile__organisation",
)  # fmt: skip
PAGE_ATTACHMENT_FIELDS = ("id", "post_id", "original_name", "size", "is_image")


def _posts_of(thread: Thread) -> QuerySet[Post]:
    files = Attachment.objects.only(*PAGE_ATTACHMENT_FIELDS)
    return (
        thread.posts.select_related("author__profile")
        .only(*PAGE_POST_FIELDS)
        .prefetch_related(Prefetch("attachments", queryset=files))
    )


def post_window(
    thread: Thread,
    user: User,
    *,
    from_id: int | None = None,
    before_id: int | None = None,
    ends: tuple[int | None, int | None] | None = None,
) -> PostWindow:
    """Posts from `from_id` on, or the posts just before `before_id`, or (neither) the last
    ones; with their reactions summarised for `user`. `ends`, the thread's first and last post
    ids (`post_ends`), when the caller has them already."""
    posts = _posts_of(thread)
    if before_id is not None:
        found = list(posts.filter(id__lt=before_id).order_by("-id")[:POSTS_PER_PAGE])[::-1]
    elif from_id is not None:
        found = list(posts.filter(id__gte=from_id).order_by("id")[:POSTS_PER_PAGE])
    else:
        found = list(posts.order_by("-id")[:POSTS_PER_PAGE])[::-1]
    if not found:
        return PostWindow([], has_before=False, has_after=False)
    # Every post keeps its place (deleted and hidden ones too), as in the window: posts lie
    # before it exactly when the thread's first post comes before the window's first.
    first, last = ends if ends is not None else post_ends(thread)
    attach_reactions(found, user)
    return PostWindow(
        found,
        has_before=first is not None and first < found[0].pk,
        has_after=last is not None and last > found[-1].pk,
    )


def attach_reactions(posts: list[Post], user: User | None) -> None:
    """Give each post `reaction_summary`: [(kind, emoji, count, mine)] in the fixed order."""
    rows = (
        Reaction.objects.filter(post__in=[p.pk for p in posts])
        .values("post_id", "kind")
        .annotate(count=Count("id"), mine=Count("id", filter=Q(user=user)))
    )
    by_post: dict[int, dict[str, tuple[int, bool]]] = {}
    for row in rows:
        by_post.setdefault(row["post_id"], {})[row["kind"]] = (row["count"], row["mine"] > 0)
    for post in posts:
        post.reaction_summary = reaction_summary(by_post.get(post.pk, {}))


def reaction_summary(counts: dict[str, tuple[int, bool]]) -> list[tuple[str, str, int, bool]]:
    """[(kind, emoji, count, mine)] in the fixed order, from {kind: (count, mine)}."""
    return [(kind, emoji, *counts.get(kind, (0, False))) for kind, emoji in Reaction.Kind.choices]


def reaction_counts(post: Post) -> dict[str, int]:
    """How many members gave each reaction to the post (kinds nobody gave are left out)."""
    rows = post.reactions.values("kind").annotate(count=Count("id")).values_list("kind", "count")
    return dict(rows)


def read_position(thread: Thread, user: User) -> int | None:
    """The id of the last post the member has read in this thread, or None if never opened."""
    return (
        ReadState.objects.filter(thread=thread, user=user)
        .values_list("last_read_post_id", flat=True)
        .first()
    )


def reader_state(thread: Thread, user: User) -> tuple[int | None, str | None]:
    """`read_position` and `subscription_level` in one query, for the thread page."""
    read = ReadState.objects.filter(thread=OuterRef("pk"), user=user)  # one per reader
    level = ThreadSubscription.objects.filter(thread=OuterRef("pk"), user=user)
    found = (
        Thread.objects.filter(pk=thread.pk)
        .annotate(
            last_read=Subquery(read.values("last_read_post_id")[:1]),
            level=Subquery(level.values("level")[:1]),
        )
        .values_list("last_read", "level")
        .first()
    )
    return found if found is not None else (None, None)


def subscription_level(thread: Thread, user: User) -> str | None:
    return (
        ThreadSubscription.objects.filter(thread=thread, user=user)
        .values_list("level", flat=True)
        .first()
    )


def first_post_id(thread: Thread) -> int | None:
    return thread.posts.order_by("id").values_list("id", flat=True).first()


def post_ends(thread: Thread) -> tuple[int | None, int | None]:
    """The ids of the thread's first and last posts (a deleted or hidden post keeps its place in
    the thread, so it counts). One query."""
    ends = thread.posts.aggregate(first=Min("id"), last=Max("id"))
    return ends["first"], ends["last"]


def post_ends_and_first_unread(
    thread: Thread, last_read: int | None
) -> tuple[int | None, int | None, int | None]:
    """`post_ends` and `first_unread_id` in one query: the thread page needs the three."""
    unread = VISIBLE if last_read is None else VISIBLE & Q(id__gt=last_read)
    found = thread.posts.aggregate(
        first=Min("id"), last=Max("id"), first_unread=Min("id", filter=unread)
    )
    return found["first"], found["last"], found["first_unread"]


def read_version(user: User) -> tuple[int, int | None, datetime | None]:
    """A value that changes whenever any of the member's read positions does: a position only
    moves forward (its sum grows), a new one adds to the count, a removed one takes from it,
    and every write stamps `updated_at`. One small query over the member's own rows."""
    found = ReadState.objects.filter(user=user).aggregate(
        count=Count("id"), total=Sum("last_read_post_id"), latest=Max("updated_at")
    )
    return found["count"], found["total"], found["latest"]


def unread_threads_by_club(user: access.Person) -> dict[int, int]:
    """For each of the member's clubs with unread posts, how many threads have some. One query."""
    if not access.is_active_user(user):
        return {}
    # The read state of the thread (of the outer query, not of each post: PostgreSQL then looks
    # it up once per thread and scans only the posts after it, instead of once per post).
    read = ReadState.objects.filter(thread=OuterRef(OuterRef("pk")), user=user).values(
        "last_read_post_id"
    )
    unread_post = Post.objects.filter(
        VISIBLE, thread=OuterRef("pk"), id__gt=Coalesce(Subquery(read[:1]), Value(0))
    )
    rows = (
        Thread.objects.filter(club__in=access.member_clubs(user))
        .filter(Exists(unread_post))
        .values("club")
        .annotate(count=Count("id"))
        .values_list("club", "count")
    )
    return dict(rows)


# --- The composer -------------------------------------------------------------------------------

MENTION_SUGGESTIONS = 8


def mention_candidates(club: Club, user: User, typed: str) -> list[Profile]:
    """Up to MENTION_SUGGESTIONS readers of the club (the writer aside) whose handle or name
    matches what follows the « @ »: a handle starting with it or with a word of it (handles are
    written without accents, so « elo » finds « élodie »), or a name that contains it."""
    typed = typed.strip()[:60]
    if not typed:
        return []
    plain = slugify(typed)
    matches = (
        Q(display_name__icontains=typed)
        | Q(user__first_name__icontains=typed)
        | Q(user__last_name__icontains=typed)
    )
    if plain:
        matches |= Q(handle__istartswith=plain) | Q(handle__icontains=f"-{plain}")
    found = (
        Profile.objects.filter(user__in=access.readers_of(club))
        .exclude(user=user)
        .filter(matches)
        .select_related("user")
        .annotate(rank=Case(When(handle__istartswith=plain or typed, then=0), default=1))
        .order_by("rank", "handle")
    )
    return list(found[:MENTION_SUGGESTIONS])
