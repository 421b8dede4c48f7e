"""What the other apps' domain events tell people (community/domain_events.py).

Clubs announce an invitation, a join request and its answer; the discussions announce a post
written or edited, posts seen and a report. Each handler runs after the commit, in its own
transaction, reads again the rows named by the event's ids (gone in between: nobody is told),
and writes the notifications. Each person is told once per post, for the strongest reason: a
mention before a reply, a reply before a new thread. `register` is called once, by
`NotificationsConfig.ready`.

The invitation and the answer to a join request have their own email (clubs.emails): their
notification only shows on the site.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from clubs import access
from clubs.models import Invitation, JoinRequest
from community import domain_events
from community.models import User
from messaging.models import Post, Report, Thread, ThreadSubscription

from . import actions as notifications
from .models import Audience, Kind


def register() -> None:
    for name, handler in (
        (domain_events.ACCESS_ENDED, notifications.drop_club_notifications),
        (domain_events.INVITATION_SENT, invitation_sent),
        (domain_events.JOIN_REQUESTED, join_requested),
        (domain_events.JOIN_DECIDED, join_decided),
        (domain_events.POST_CREATED, post_created),
        (domain_events.POST_EDITED, post_edited),
        (domain_events.POSTS_SEEN, posts_seen),
        (domain_events.POST_REPORTED, post_reported),
    ):
        domain_events.handles(name)(handler)


def _user(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id).first() if user_id else None


# --- Clubs --------------------------------------------------------------------------------------


def invitation_sent(*, invitation_id: int, actor_id: int) -> None:
    """Someone who already has an account sees the invitation on the site too."""
    invitation = Invitation.objects.select_related("club").filter(pk=invitation_id).first()
    actor = _user(actor_id)
    if invitation is None or actor is None:
        return
    invitee = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    if invitee is None:
        return
    club = invitation.club
    notifications.notify(
        recipient=invitee,
        kind=Kind.CLUB_ADMIN,
        text=_(
            "%(name)s vous invite à rejoindre le club « %(club)s » : suivez le lien du courriel "
            "d'invitation."
        )
        % {"name": actor.display_name, "club": club.name},
        # The invitation's link lives only in its email: the notification leads to the club's
        # public face where it has one, to the notifications otherwise.
        url=reverse("clubs:detail", args=[club.slug])
        if club.is_listed
        else reverse("notifications:list"),
        club=club,
        actor=actor,
        audience=Audience.PERSON,
        emailed_elsewhere=True,
    )


def _join_request(join_request_id: int) -> JoinRequest | None:
    return JoinRequest.objects.select_related("club", "user").filter(pk=join_request_id).first()


def join_requested(*, join_request_id: int) -> None:
    join_request = _join_request(join_request_id)
    if join_request is None or join_request.status != JoinRequest.Status.PENDING:
        return
    club = join_request.club
    notifications.notify_many(
        recipients=access.moderators_of(club),
        kind=Kind.CLUB_ADMIN,
        text=_("%(name)s demande à rejoindre le club « %(club)s »")
        % {"name": join_request.user.display_name, "club": club.name},
        url=reverse("clubs:moderation", args=[club.slug]),
        club=club,
        actor=join_request.user,
        audience=Audience.MODERATORS,
    )


def join_decided(*, join_request_id: int, actor_id: int) -> None:
    join_request = _join_request(join_request_id)
    if join_request is None:
        return
    club = join_request.club
    approved = join_request.status == JoinRequest.Status.APPROVED
    text = (
        _("Votre demande pour rejoindre le club « %(club)s » est acceptée")
        if approved
        else _("Votre demande pour rejoindre le club « %(club)s » n'a pas été acceptée")
    )
    notifications.notify(
        recipient=join_request.user,
        kind=Kind.CLUB_ADMIN,
        text=text % {"club": club.name},
        url=reverse("clubs:detail", args=[club.slug]),
        club=club,
        actor=_user(actor_id),
        audience=Audience.PERSON,
        emailed_elsewhere=True,
    )


# --- Discussions --------------------------------------------------------------------------------


def _url_of_post(club, post_id: int) -> str:
    """Where a notification about a post leads: its permalink (the same for every reader)."""
    return reverse("messaging:post", args=[club.slug, post_id])


def _post(post_id: int) -> Post | None:
    """The post, unless it was deleted or hidden in the meantime."""
    return (
        Post.objects.select_related("thread__club", "author__profile")
        .filter(pk=post_id, deleted_at__isnull=True, hidden_at__isnull=True)
        .first()
    )


def _actor_name(post: Post) -> str:
    return post.author.display_name if post.author else _("Un membre")


def post_created(*, post_id: int, mentioned_ids: list[int], first: bool) -> None:
    """The mentioned first, then the club's readers (a new thread) or the thread's followers."""
    post = _post(post_id)
    if post is None:
        return
    told = _mentioned(post, mentioned_ids)
    if post.author_id is not None:
        told.add(post.author_id)
    if first:
        _thread_started(post, already_told=told)
    else:
        _replied(post, already_told=told)


def post_edited(*, post_id: int, mentioned_ids: list[int]) -> None:
    post = _post(post_id)
    if post is not None:
        _mentioned(post, mentioned_ids)


def _mentioned(post: Post, user_ids: list[int]) -> set[int]:
    """Tell the members newly mentioned in the post who may still read it; returns who was
    told."""
    if not user_ids:  # most posts mention nobody: nothing to read nor build
        return set()
    readers = access.readers_of(post.thread.club).filter(pk__in=user_ids)
    ids = set(readers.values_list("pk", flat=True)) - {post.author_id}
    notifications.notify_many(
        recipients=ids,
        kind=Kind.MENTION,
        text=_("%(name)s vous a mentionné·e dans « %(title)s »")
        % {"name": _actor_name(post), "title": post.thread.title},
        url=_url_of_post(post.thread.club, post.pk),
        club=post.thread.club,
        actor=post.author,
    )
    return ids


def _replied(post: Post, *, already_told: set[int]) -> None:
    """Tell the thread's followers (not those who muted it, nor those who never followed it)
    who may still read it: read with their preferences in one query, told in one insert,
    however many they are."""
    following = ThreadSubscription.objects.filter(
        thread=post.thread, level=ThreadSubscription.Level.FOLLOW
    ).values("user_id")
    followers = access.readers_of(post.thread.club).filter(pk__in=following)
    notifications.notify_many(
        recipients=followers.exclude(pk__in=already_told),
        kind=Kind.REPLY,
        text=_("%(name)s a répondu dans « %(title)s »")
        % {"name": _actor_name(post), "title": post.thread.title},
        url=_url_of_post(post.thread.club, post.pk),
        club=post.thread.club,
        actor=post.author,
    )


def _thread_started(post: Post, *, already_told: set[int]) -> None:
    """Tell the club's readers that a thread was opened."""
    thread = post.thread
    notifications.notify_many(
        recipients=access.readers_of(thread.club).exclude(pk__in=already_told),
        kind=Kind.NEW_THREAD,
        text=_("%(name)s a ouvert le fil « %(title)s » dans %(club)s")
        % {"name": _actor_name(post), "title": thread.title, "club": thread.club.name},
        url=_url_of_post(thread.club, post.pk),
        club=thread.club,
        actor=post.author,
    )


def posts_seen(*, user_id: int, thread_id: int, post_ids: list[int]) -> None:
    """The notifications leading to these posts of the thread are read."""
    user = _user(user_id)
    thread = Thread.objects.select_related("club").filter(pk=thread_id).first()
    if user is None or thread is None:
        return
    urls = [_url_of_post(thread.club, pk) for pk in post_ids]
    notifications.mark_read_leading_to(user=user, urls=urls)


def post_reported(*, report_id: int) -> None:
    """Tell the club's moderators that a post waits for them in the reports queue, but its
    author. When nobody else moderates the club, the GIP staff are told to name someone who
    will decide (they read no discussion: the thread's title is not given them)."""
    report = (
        Report.objects.select_related("post__thread__club", "reporter").filter(pk=report_id).first()
    )
    if report is None:
        return
    club = report.post.thread.club
    author_id = report.post.author_id
    notifications.notify_many(
        recipients=access.report_handlers(club, author_id),
        kind=Kind.CLUB_ADMIN,
        text=_("Un message de « %(title)s » a été signalé dans %(club)s")
        % {"title": report.post.thread.title, "club": club.name},
        url=reverse("messaging:reports", args=[club.slug]),
        club=club,
        actor=report.reporter,
        audience=Audience.MODERATORS,
    )
    notifications.notify_many(
        recipients=access.staff_for_unhandled_reports(club, author_id),
        kind=Kind.CLUB_ADMIN,
        text=_(
            "Un message signalé dans %(club)s attend une décision, mais seul son auteur·rice "
            "modère le club : nommez un·e autre propriétaire ou modérateur·rice."
        )
        % {"club": club.name},
        url=reverse("clubs:staff_edit", args=[club.slug]),
        club=club,
        actor=report.reporter,
        audience=Audience.MODERATORS,
    )
