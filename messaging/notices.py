"""What the discussions tell members through `notifications`: mentions, replies in followed
threads, new threads in their clubs, and reports to the club's moderators. Called by
`messaging.actions` inside their transaction; each person is told once per post, for the
strongest reason (a mention before a reply, a reply before a new thread)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from clubs import access
from notifications import actions as notifications
from notifications.models import Audience, Kind

from .models import ThreadSubscription


def _post_url(post) -> str:
    return _url_of_post(post.thread.club, post.pk)


def _url_of_post(club, post_id: int) -> str:
    """Where a notification about a post leads: its permalink (the same for every reader)."""
    return reverse("messaging:post", args=[club.slug, post_id])


def seen(user, thread, post_ids) -> None:
    """The notifications leading to these posts of the thread are read."""
    urls = [_url_of_post(thread.club, pk) for pk in post_ids]
    notifications.mark_read_leading_to(user=user, urls=urls)


def _actor_name(post) -> str:
    return post.author.display_name if post.author else _("Un membre")


def mentioned(post, user_ids) -> set[int]:
    """Tell the members newly mentioned in the post; returns who was told."""
    ids = set(user_ids) - {post.author_id}
    notifications.notify_many(
        recipients=ids,
        kind=Kind.MENTION,
        text=_("%(name)s vous a mentionné·e dans « %(title)s »")
        % {"name": _actor_name(post), "title": post.thread.title},
        url=_post_url(post),
        club=post.thread.club,
        actor=post.author,
    )
    return ids


def replied(post, *, already_told: set[int]) -> None:
    """Tell the thread's followers (not those who muted it, nor those who never followed it)
    who may still read it."""
    followers = ThreadSubscription.objects.filter(
        thread=post.thread,
        level=ThreadSubscription.Level.FOLLOW,
        user__in=access.readers_of(post.thread.club),
    ).values_list("user_id", flat=True)
    notifications.notify_many(
        recipients=set(followers) - already_told,
        kind=Kind.REPLY,
        text=_("%(name)s a répondu dans « %(title)s »")
        % {"name": _actor_name(post), "title": post.thread.title},
        url=_post_url(post),
        club=post.thread.club,
        actor=post.author,
    )


def thread_started(post, *, already_told: set[int]) -> None:
    """Tell the club's readers that a thread was opened."""
    thread = post.thread
    readers = access.readers_of(thread.club).values_list("pk", flat=True)
    notifications.notify_many(
        recipients=set(readers) - already_told,
        kind=Kind.NEW_THREAD,
        text=_("%(name)s a ouvert le fil « %(title)s » dans %(club)s")
        % {"name": _actor_name(post), "title": thread.title, "club": thread.club.name},
        url=_post_url(post),
        club=thread.club,
        actor=post.author,
    )


def reported(report) -> None:
    """Tell the club's moderators that a post waits for them in the reports queue."""
    club = report.post.thread.club
    moderators = access.moderators_of(club).values_list("pk", flat=True)
    notifications.notify_many(
        recipients=moderators,
        kind=Kind.CLUB_ADMIN,
        text=_("Un message de « %(title)s » a été signalé dans %(club)s")
        % {"title": report.post.thread.title, "club": club.name},
        url=reverse("messaging:reports", args=[club.slug]),
        club=club,
        actor=report.reporter,
        audience=Audience.MODERATORS,
    )
