"""Every write of the discussions. Keyword-only functions, one transaction each, taking the acting
user. The caller has checked access with `clubs.access`; actions check the domain rules (a locked
thread takes no reply, only the author edits a post...) and raise `ActionError` with a French
message. As a safety net they refuse (PermissionDenied) an actor who is not a member, or not a
moderator where one is needed."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, Exists, F, Q, Subquery, Value, When
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clubs import access
from clubs.audit import Kind, log_event
from clubs.models import Club, Membership
from community import after_commit, domain_events
from community.action_errors import ActionError
from community.models import Profile, User
from community.ratelimit import within_rate

from . import attachments, events, markdown, tasks
from .models import (
    Attachment,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    Report,
    Thread,
    ThreadSubscription,
    visible_posts,
)

MAX_TITLE_LENGTH = 200
MAX_POST_LENGTH = 50_000
MAX_REASON_LENGTH = 500
LOCKED_MESSAGE = gettext_lazy("Ce fil est verrouillé : on n'y répond plus.")

#: A file as the forms hand it over.
Upload: TypeAlias = "UploadedFile[bytes]"


# --- Checks -------------------------------------------------------------------------------------


def _require_member(user: User, club: Club) -> Membership:
    membership = access.membership_of(user, club)
    if membership is None:
        raise PermissionDenied
    return membership


def _rights_in(user: User, thread: Thread) -> access.ThreadRights:
    """The user's rights in the thread, from `clubs.access`; PermissionDenied for a
    non-member."""
    return access.thread_rights(user, _require_member(user, thread.club), thread)


def _require_moderator(user: User, thread: Thread) -> None:
    _rights_in(user, thread).require("moderate")


#: Why a moderator may not hide, restore or handle the reports of their own post.
OWN_POST_REFUSAL = gettext_lazy(
    "C'est votre propre message : un·e autre membre de l'équipe de modération en décide."
)


def _require_moderator_of_post(user: User, post: Post) -> None:
    """Hiding, restoring and handling reports are decided by someone other than the author."""
    rights = _rights_in(user, post.thread)
    rights.require("moderate")
    if not rights.may_moderate_post(post.author_id):
        raise ActionError(str(OWN_POST_REFUSAL), "own_post")


def _log_thread(
    actor: User, thread: Thread, kind: str, *, club: Club | None = None, **detail: Any
) -> None:
    """Write the act in the club's journal (`clubs.audit`), naming the thread."""
    log_event(club=club or thread.club, actor=actor, kind=kind, thread=thread.title, **detail)


def _log_post(actor: User, post: Post, kind: str, **detail: Any) -> None:
    """Write an act on a post in the club's journal, naming its author and thread."""
    log_event(
        club=post.thread.club,
        actor=actor,
        kind=kind,
        target_user=post.author,
        thread=post.thread.title,
        post=post.pk,
        **detail,
    )


def _require_pace(author: User) -> None:
    """However a post arrives (a page, the websocket), a person publishes at most
    POSTS_PER_MINUTE posts a minute: a stolen session or a runaway script cannot flood a club."""
    if not within_rate(f"posts:{author.pk}", settings.POSTS_PER_MINUTE):
        raise ActionError(
            _("Trop de messages en peu de temps : patientez une minute avant de publier."),
            "too_fast",
        )


def _require_writable(club: Club) -> None:
    if club.archived:
        raise ActionError(_("Ce club est archivé : on n'y écrit plus."), "archived")


def _clean_source(source: str) -> str:
    source = (source or "").strip()
    if not source:
        raise ActionError(_("Le message est vide."), "empty")
    if len(source) > MAX_POST_LENGTH:
        raise ActionError(
            _("Le message est trop long (%(max)d caractères au plus).") % {"max": MAX_POST_LENGTH},
            "too_long",
        )
    return source


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ActionError(_("Indiquez un motif."), "reason_required")
    if len(reason) > MAX_REASON_LENGTH:
        raise ActionError(
            _("Le motif est trop long (%(max)d caractères au plus).") % {"max": MAX_REASON_LENGTH},
            "reason_too_long",
        )
    return reason


def _require_visible(post: Post) -> None:
    if not post.is_visible:
        raise ActionError(_("Ce message a été supprimé ou masqué."), "not_visible")


# --- Rendering ----------------------------------------------------------------------------------


def _mention_urls(club: Club, source: str) -> dict[str, str]:
    """Profile URLs of the club's readers whose handle appears after an @ in the source."""
    candidates = {match.lower() for match in markdown.HANDLE.findall(source.replace("@", " @"))}
    candidates = {h for h in candidates if f"@{h}" in source.lower()}
    if not candidates:
        return {}
    handles = Profile.objects.filter(
        handle__in=candidates, user__in=access.readers_of(club)
    ).values_list("handle", flat=True)
    return {h: reverse("profile", args=[h]) for h in handles}


def _render_into(post: Post, club: Club, *, unlinked: str = "") -> set[str]:
    """Render the post's source into its HTML; a mention of the `unlinked` handle stays as the
    author wrote it, without a link."""
    urls = _mention_urls(club, post.source)
    urls.pop(unlinked, None)
    rendered = markdown.render(post.source, mention_urls=urls)
    post.html = rendered.html
    return rendered.mentioned_handles


def preview(*, club: Club, source: str) -> str:
    """The HTML a post of this source would have in the club, as `_render_into` makes it;
    nothing is written."""
    return markdown.render(source, mention_urls=_mention_urls(club, source)).html


def _set_mentions(post: Post, handles: set[str]) -> set[int]:
    """Record who the post mentions; returns the ids of those it did not mention before."""
    before = set(post.mentions.values_list("pk", flat=True))
    users = list(User.objects.filter(profile__handle__in=handles))
    post.mentions.set(users)
    return {user.pk for user in users} - before


# --- Thread summary -----------------------------------------------------------------------------


def _refresh_summary(thread: Thread) -> None:
    """Recount the visible posts and find the last one, after a post disappears or returns.
    If the accepted answer disappeared, the thread is no longer solved (and says so live)."""
    # The caller's instance may be stale (an answer accepted since it was loaded): lock the row
    # and start from what is stored, so that saving does not write old values back.
    Thread.objects.select_for_update().filter(id=thread.id).exists()
    thread.refresh_from_db(fields=["post_count", "last_post", "accepted_answer"])
    visible = thread.posts.filter(visible_posts())
    thread.post_count = visible.count()
    thread.last_post = visible.order_by("-id").first()
    answer_id = thread.accepted_answer_id
    answer_gone = answer_id is not None and not visible.filter(pk=answer_id).exists()
    if answer_gone:
        thread.accepted_answer = None
    thread.save(update_fields=["post_count", "last_post", "accepted_answer"])
    if answer_gone:
        events.thread_solved(thread)


@dataclass(frozen=True)
class _Standing:
    """What a post's writing needs to know of its author in the thread, read before the post:
    whether they have a subscription row (following or muted), their read position (None: no
    row yet), and the thread's first post (None: none yet). A new thread knows them all."""

    subscribed: bool = False
    read_to: int | None = None
    first_post_id: int | None = None


def _member_for_reply(
    author: User, thread: Thread, client_id: str
) -> tuple[Membership, int | None, _Standing]:
    """The author's membership of the thread's club (PermissionDenied without one), read in one
    query with the rest of what a reply checks first: the id of the post an earlier request
    made with the same client id (None: none), and the author's `_Standing` in the thread."""
    mine = {"user": author, "thread": thread}
    also: dict[str, Any] = {
        "subscribed": Exists(ThreadSubscription.objects.filter(**mine)),
        "read_to": Subquery(ReadState.objects.filter(**mine).values("last_read_post_id")[:1]),
        "first_post_id": Subquery(thread.posts.order_by("id").values("id")[:1]),
    }
    if client_id:
        earlier = Post.objects.filter(author=author, client_id=client_id).values("pk")[:1]
        also["existing_post"] = Subquery(earlier)
    membership = access.membership_of(author, thread.club, **also)
    if membership is None:
        raise PermissionDenied
    standing = _Standing(
        subscribed=membership.subscribed,  # type: ignore[attr-defined]  # the annotations above
        read_to=membership.read_to,  # type: ignore[attr-defined]
        first_post_id=membership.first_post_id,  # type: ignore[attr-defined]
    )
    return membership, getattr(membership, "existing_post", None), standing


def _follow(user: User, thread: Thread, standing: _Standing) -> None:
    """Writing in a thread follows it, unless the member chose otherwise before: written on
    their first post in the thread only."""
    if standing.subscribed:
        return
    ThreadSubscription.objects.get_or_create(
        user=user, thread=thread, defaults={"level": ThreadSubscription.Level.FOLLOW}
    )


def _mark_read_to(user: User, thread: Thread, post_id: int) -> None:
    state, created = ReadState.objects.get_or_create(
        user=user, thread=thread, defaults={"last_read_post_id": post_id}
    )
    if not created and post_id > state.last_read_post_id:
        state.last_read_post_id = post_id
        state.save(update_fields=["last_read_post_id", "updated_at"])


def _mark_own_post_read(user: User, thread: Thread, post_id: int, standing: _Standing) -> None:
    """The author has read their new post, the thread's newest: one UPDATE when they have a
    read position behind it, nothing when it is already there."""
    if standing.read_to is not None and standing.read_to >= post_id:
        return
    moved = standing.read_to is not None and ReadState.objects.filter(
        user=user, thread=thread, last_read_post_id__lt=post_id
    ).update(last_read_post_id=post_id, updated_at=timezone.now())
    if not moved:
        _mark_read_to(user, thread, post_id)


# --- Writing ------------------------------------------------------------------------------------


def _existing_post(author: User, client_id: str) -> Post | None:
    if not client_id:
        return None
    return Post.objects.select_related("thread").filter(author=author, client_id=client_id).first()


def _create_post(
    *,
    author: User,
    thread: Thread,
    source: str,
    client_id: str,
    uploads: Sequence[Upload],
    standing: _Standing,
    first: bool = False,
) -> tuple[Post, bool]:
    """The new post, and True; or the post another request made with the same client id, and
    False."""
    checked = attachments.check_uploads(uploads)
    post = Post(thread=thread, author=author, source=source, client_id=client_id)
    handles = _render_into(post, thread.club)
    if not client_id:
        post.save()  # no client id, no twin to collide with: no savepoint to pay for
    else:
        try:
            with transaction.atomic():
                post.save()
        except IntegrityError:
            # The same client id arrived twice at once: the other request made the post.
            return Post.objects.get(author=author, client_id=client_id), False
    mentioned = _set_mentions(post, handles) if handles else set()  # a new post: none before
    stored = attachments.store(post=post, checked_uploads=checked, uploader=author)
    _known_attachments(post, stored)
    _follow(author, thread, standing)
    _mark_own_post_read(author, thread, post.pk, standing)
    _tell_members(post, mentioned, first=first)
    return post, True


def _known_attachments(post: Post, stored: list[Attachment]) -> None:
    """A new post's files are those just stored: its fragment lists them without reading them
    back (as `prefetch_related` leaves them)."""
    # What `prefetch_related_objects` sets, without its query.
    files = post.attachments.all()
    files._result_cache = stored
    files._prefetch_done = True  # type: ignore[attr-defined]
    post._prefetched_objects_cache = {"attachments": files}  # type: ignore[attr-defined]


def _count_in_thread(post: Post, *, even_if_locked: bool) -> None:
    """Count the post in its thread. Called last, just before the commit: the UPDATE holds the
    thread's row until then, and the replies to one thread wait for each other from there
    only. Posts may so reach it out of order: the newest one stays its last post. A thread
    locked since the check refuses the reply, and the whole transaction is undone."""
    threads = Thread.objects.filter(pk=post.thread_id)
    if not even_if_locked:
        threads = threads.filter(locked=False)
    counted = threads.update(
        post_count=F("post_count") + 1,
        last_post=Case(
            When(Q(last_post__isnull=True) | Q(last_post__lt=post.pk), then=Value(post.pk)),
            default=F("last_post"),
            output_field=BigIntegerField(),
        ),
        last_activity_at=Greatest(F("last_activity_at"), Value(post.created_at)),
    )
    if not counted:
        raise ActionError(LOCKED_MESSAGE, "locked")


def _tell_members(post: Post, mentioned: set[int], *, first: bool) -> None:
    """After commit, the mentioned, then the club of a new thread or the followers of a reply
    are told (notifications.handlers)."""
    domain_events.announce(
        domain_events.POST_CREATED, post_id=post.pk, mentioned_ids=sorted(mentioned), first=first
    )


@transaction.atomic
def start_thread(
    *,
    author: User,
    club: Club,
    title: str,
    source: str,
    client_id: str = "",
    uploads: Sequence[Upload] = (),
) -> Thread:
    """Open a thread with its first post. The same client id sent twice makes one thread."""
    _require_member(author, club)
    _require_writable(club)
    existing = _existing_post(author, client_id)
    if existing is not None:
        return existing.thread
    _require_pace(author)
    title = (title or "").strip()
    if not title:
        raise ActionError(_("Donnez un titre au fil de discussion."), "title_required")
    if len(title) > MAX_TITLE_LENGTH:
        raise ActionError(
            _("Le titre est trop long (%(max)d caractères au plus).") % {"max": MAX_TITLE_LENGTH},
            "title_too_long",
        )
    source = _clean_source(source)
    thread = Thread.objects.create(club=club, title=title, author=author)
    post, created = _create_post(
        author=author,
        thread=thread,
        source=source,
        client_id=client_id,
        uploads=uploads,
        standing=_Standing(),  # a new thread: nobody follows or has read it, no post yet
        first=True,
    )
    if not created:
        # The same client id arrived twice at once: the other request started the thread, and
        # this one must not leave an empty thread behind.
        thread.delete()
        return post.thread
    _count_in_thread(post, even_if_locked=True)  # a new thread: nobody else waits for it
    thread.refresh_from_db()
    events.thread_created(thread)
    events.post_created(post, first_post_id=post.pk)
    return thread


@transaction.atomic
def post_reply(
    *,
    author: User,
    thread: Thread,
    source: str,
    client_id: str = "",
    uploads: Sequence[Upload] = (),
) -> Post:
    """Reply in a thread. The same client id sent twice (or concurrently) makes one post."""
    membership, existing_id, standing = _member_for_reply(author, thread, client_id)
    rights = access.thread_rights(author, membership, thread)
    if existing_id is not None:
        return Post.objects.select_related("thread").get(pk=existing_id)
    _require_writable(thread.club)
    if not rights.post:
        raise ActionError(LOCKED_MESSAGE, "locked")
    rights.require("post")  # in a locked thread, a moderator's power
    _require_pace(author)
    source = _clean_source(source)
    post, created = _create_post(
        author=author,
        thread=thread,
        source=source,
        client_id=client_id,
        uploads=uploads,
        standing=standing,
    )
    if created:
        # The event numbers the club's stream and the count locks the thread: both last, so
        # that replies to one club wait for each other as briefly as possible.
        events.post_created(post, first_post_id=standing.first_post_id or post.pk)
        _count_in_thread(post, even_if_locked=rights.moderate)
    return post


@transaction.atomic
def edit_post(*, editor: User, post: Post, source: str) -> Post:
    """The author rewrites their post; the previous version stays in the history."""
    rights = _rights_in(editor, post.thread)
    if not rights.owns(post.author_id):
        raise PermissionDenied
    _require_visible(post)
    _require_writable(post.thread.club)
    source = _clean_source(source)
    if source == post.source:
        return post
    PostRevision.objects.create(
        post=post,
        source=post.source,
        html=post.html,
        written_at=post.edited_at or post.created_at,
        replaced_by=editor,
    )
    post.source = source
    handles = _render_into(post, post.thread.club)
    post.edited_at = timezone.now()
    post.save(update_fields=["source", "html", "edited_at"])
    mentioned = _set_mentions(post, handles)
    if mentioned:
        domain_events.announce(
            domain_events.POST_EDITED, post_id=post.pk, mentioned_ids=sorted(mentioned)
        )
    events.post_changed(post, "post.edited")
    return post


@transaction.atomic
def delete_post(*, user: User, post: Post) -> Post:
    """The author deletes their post: it shows as « message supprimé », the thread stays whole."""
    if not _rights_in(user, post.thread).owns(post.author_id):
        raise PermissionDenied
    if post.is_deleted:
        raise ActionError(_("Ce message est déjà supprimé."), "already_deleted")
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    events.post_changed(post, "post.deleted")
    _refresh_summary(post.thread)
    return post


@transaction.atomic
def hide_post(*, moderator: User, post: Post, reason: str) -> Post:
    _require_moderator_of_post(moderator, post)
    reason = _clean_reason(reason, required=True)
    if post.is_hidden:
        raise ActionError(_("Ce message est déjà masqué."), "already_hidden")
    post.hidden_at = timezone.now()
    post.hidden_by = moderator
    post.hidden_reason = reason
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _log_post(moderator, post, Kind.POST_HIDDEN, reason=reason)
    events.post_changed(post, "post.hidden")
    _refresh_summary(post.thread)
    return post


@transaction.atomic
def restore_post(*, moderator: User, post: Post) -> Post:
    _require_moderator_of_post(moderator, post)
    if not post.is_hidden:
        raise ActionError(_("Ce message n'est pas masqué."), "not_hidden")
    post.hidden_at = None
    post.hidden_by = None
    post.hidden_reason = ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _log_post(moderator, post, Kind.POST_RESTORED)
    events.post_changed(post, "post.restored")
    _refresh_summary(post.thread)
    return post


# --- Moderating threads -------------------------------------------------------------------------


@transaction.atomic
def set_pinned(*, moderator: User, thread: Thread, pinned: bool) -> Thread:
    return _set_thread_flag(moderator, thread, "pinned", pinned)


@transaction.atomic
def set_locked(*, moderator: User, thread: Thread, locked: bool) -> Thread:
    return _set_thread_flag(moderator, thread, "locked", locked)


THREAD_FLAG_EVENTS = {
    ("pinned", True): Kind.THREAD_PINNED,
    ("pinned", False): Kind.THREAD_UNPINNED,
    ("locked", True): Kind.THREAD_LOCKED,
    ("locked", False): Kind.THREAD_UNLOCKED,
}


def _set_thread_flag(moderator: User, thread: Thread, flag: str, value: bool) -> Thread:
    _require_moderator(moderator, thread)
    setattr(thread, flag, value)
    thread.save(update_fields=[flag])
    _log_thread(moderator, thread, THREAD_FLAG_EVENTS[flag, value])
    events.thread_flag(thread, f"thread.{flag}", value)
    return thread


@transaction.atomic
def move_thread(*, moderator: User, thread: Thread, to_club: Club) -> Thread:
    """Move a thread to another club; the moderator must moderate both."""
    _require_moderator(moderator, thread)
    if not access.is_moderator(access.membership_of(moderator, to_club)):
        raise PermissionDenied
    if to_club.pk == thread.club_id:
        raise ActionError(_("Le fil est déjà dans ce club."), "same_club")
    _require_writable(to_club)
    from_club = thread.club
    from_club_id = thread.club_id
    thread.club = to_club
    thread.save(update_fields=["club"])
    names = {"from_club": from_club.name, "to_club": to_club.name}
    _log_thread(moderator, thread, Kind.THREAD_MOVED_OUT, club=from_club, **names)
    _log_thread(moderator, thread, Kind.THREAD_MOVED_IN, club=to_club, **names)
    events.thread_moved(thread, from_club_id=from_club_id)
    # Followers who may not read the new club no longer follow it.
    ThreadSubscription.objects.filter(thread=thread).exclude(
        user__in=access.readers_of(to_club)
    ).delete()
    return thread


@transaction.atomic
def accept_answer(*, user: User, post: Post) -> Thread:
    """The thread's author or a moderator marks the post that solved the question."""
    thread = post.thread
    rights = _rights_in(user, thread)
    _require_writable(thread.club)
    rights.require("accept")  # on someone else's thread, a moderator's power
    _require_visible(post)
    if thread.posts.order_by("id").values_list("id", flat=True).first() == post.pk:
        raise ActionError(_("La question ne peut pas être sa propre réponse."), "first_post")
    thread.accepted_answer = post
    thread.save(update_fields=["accepted_answer"])
    _log_post(user, post, Kind.ANSWER_ACCEPTED)
    events.thread_solved(thread)
    return thread


@transaction.atomic
def clear_accepted_answer(*, user: User, thread: Thread) -> Thread:
    rights = _rights_in(user, thread)
    _require_writable(thread.club)
    rights.require("accept")
    thread.accepted_answer = None
    thread.save(update_fields=["accepted_answer"])
    _log_thread(user, thread, Kind.ANSWER_CLEARED)
    events.thread_solved(thread)
    return thread


# --- Around posts -------------------------------------------------------------------------------


@transaction.atomic
def toggle_reaction(*, user: User, post: Post, kind: str) -> bool:
    """Add the member's reaction, or take it back; returns whether it is now there."""
    _require_member(user, post.thread.club)
    if kind not in Reaction.Kind.values:
        raise ActionError(_("Cette réaction n'existe pas."), "unknown_reaction")
    _require_writable(post.thread.club)
    _require_visible(post)
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if not deleted:
        Reaction.objects.get_or_create(post=post, user=user, kind=kind)
    added = not deleted
    events.reaction_changed(post, user=user, kind=kind, added=added)
    return added


@transaction.atomic
def set_subscription(*, user: User, thread: Thread, level: str | None) -> None:
    """Follow, mute, or go back to the default (neither)."""
    _require_member(user, thread.club)
    if level is None:
        ThreadSubscription.objects.filter(user=user, thread=thread).delete()
        return
    if level not in ThreadSubscription.Level.values:
        raise ActionError(_("Choix de suivi inconnu."), "unknown_level")
    ThreadSubscription.objects.update_or_create(user=user, thread=thread, defaults={"level": level})


@transaction.atomic
def mark_read(*, user: User, thread: Thread, up_to_post_id: int) -> None:
    """Remember that the member has read the thread up to this post (never backwards)."""
    _require_member(user, thread.club)
    _mark_read_to(user, thread, up_to_post_id)


def posts_seen(*, user: User, thread: Thread, post_ids: Sequence[int]) -> None:
    """The member has these posts before their eyes: the notifications that lead to them
    (a mention, a reply) are read."""
    if post_ids:
        domain_events.announce(
            domain_events.POSTS_SEEN, user_id=user.pk, thread_id=thread.pk, post_ids=list(post_ids)
        )


@transaction.atomic
def report_post(*, reporter: User, post: Post, reason: str) -> Report:
    _require_member(reporter, post.thread.club)
    reason = _clean_reason(reason, required=True)
    if post.author_id == reporter.pk:
        raise ActionError(_("Vous ne pouvez pas signaler votre propre message."), "own_post")
    if Report.objects.filter(post=post, reporter=reporter, status=Report.Status.OPEN).exists():
        raise ActionError(
            _("Vous avez déjà signalé ce message ; la modération va le regarder."), "already"
        )
    report = Report.objects.create(post=post, reporter=reporter, reason=reason)
    domain_events.announce(domain_events.POST_REPORTED, report_id=report.pk)
    return report


@transaction.atomic
def resolve_report(
    *, moderator: User, report: Report, hide: bool, public_reason: str = "", note: str = ""
) -> Report:
    """Hide the reported post (and close every open report on it) or dismiss the report. The
    public reason is shown to the club in place of the post; the note goes to the reporter
    alone (and the report's own reason stays with the moderators)."""
    post = report.post
    _require_moderator_of_post(moderator, post)
    if report.status != Report.Status.OPEN:
        raise ActionError(_("Ce signalement a déjà été traité."), "already_handled")
    note = _clean_reason(note, required=False)
    public_reason = _clean_reason(public_reason, required=False) or _("après un signalement")
    status = Report.Status.HIDDEN if hide else Report.Status.DISMISSED
    if hide and not post.is_hidden:
        hide_post(moderator=moderator, post=post, reason=public_reason)
    if not hide:
        _log_post(moderator, post, Kind.REPORT_DISMISSED)
    reports = Report.objects.filter(post=post, status=Report.Status.OPEN) if hide else [report]
    now = timezone.now()
    for handled in reports:
        handled.status = status
        handled.handled_by = moderator
        handled.handled_at = now
        handled.resolution_note = note
        handled.save(update_fields=["status", "handled_by", "handled_at", "resolution_note"])
        after_commit.enqueue(tasks.send_report_outcome_email, handled.pk)
    report.refresh_from_db()
    return report


# --- An account that goes -----------------------------------------------------------------------


@transaction.atomic
def erase_posts_of(*, author: User) -> int:
    """The member deletes their account and asks for their posts to go: each one shows as
    « message supprimé », its text and earlier versions erased. Threads stay whole."""
    posts = list(Post.objects.filter(author=author).select_related("thread", "thread__club"))
    now = timezone.now()
    for post in posts:
        was_deleted = post.is_deleted
        post.source = post.html = ""
        post.deleted_at = post.deleted_at or now
        post.save(update_fields=["source", "html", "deleted_at"])
        if not was_deleted:
            events.post_changed(post, "post.deleted")
    PostRevision.objects.filter(post__in=posts).delete()
    for thread in {post.thread_id: post.thread for post in posts}.values():
        _refresh_summary(thread)
    return len(posts)


@transaction.atomic
def forget_person(*, person: User) -> None:
    """The member's account is about to be deleted: its posts are no longer signed (« Ancien
    membre »), the posts of others that mention it keep their words but lose the link to its
    profile, and the event log, which a catch-up replays for days, shows them so. Nothing of the
    account — name, handle, organisation, photo, profile — comes back through a live page."""
    signed = list(Post.objects.filter(author=person).select_related("thread__club"))
    Post.objects.filter(pk__in=[post.pk for post in signed]).update(author=None)
    for post in signed:
        post.author = None
    naming = list(
        Post.objects.filter(mentions=person)
        .exclude(pk__in=[post.pk for post in signed])
        .select_related("thread__club", "author__profile")
    )
    for post in naming:
        _render_into(post, post.thread.club, unlinked=person.profile.handle)
        post.save(update_fields=["html"])
    events.faces_refreshed(signed + naming)


@transaction.atomic
def remove_uploads_of(*, uploader: User) -> int:
    """The files a member uploaded leave with their account: rows now, files after commit."""
    uploaded = list(Attachment.objects.filter(uploaded_by=uploader))
    names = [attachment.file.name for attachment in uploaded if attachment.file.name]
    Attachment.objects.filter(pk__in=[attachment.pk for attachment in uploaded]).delete()
    after_commit.delete_files(names)
    return len(uploaded)


@transaction.atomic
def end_follows_in(*, user_id: int, club_ids: list[int]) -> int:
    """The person lost access to these clubs: they follow (or mute) none of its threads any
    more, so that no later reply tells them anything. Where they had read up to is kept, for
    the day they come back."""
    deleted, _ = ThreadSubscription.objects.filter(
        user_id=user_id, thread__club_id__in=club_ids
    ).delete()
    return deleted
