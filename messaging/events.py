"""The events of the discussions, published to their club's stream by `messaging.actions`.

Each builder renders what a page needs (ids, server-rendered HTML) and publishes it through the
one door of side effects, `community.after_commit.publish`: logged inside the action's
transaction, sent to the channel layer only after commit (see docs/realtime.md). Some of them
also rewrite the earlier events of the log, so that a catch-up never replays what a live page
no longer shows.
"""

from django.utils.translation import gettext

from community import after_commit
from community.models import EventLog

from . import fragments, selectors


def _thread_event(thread, event_type: str, **data) -> EventLog:
    stream = after_commit.group_name("club", thread.club_id)
    return after_commit.publish(stream, event_type, thread=thread.pk, **data)


def _signature(post) -> dict:
    """Who signs the post, for the page's announcement of a new message."""
    author = post.author
    return {
        "author": post.author_id,
        "author_name": author.display_name if author else gettext("Ancien membre"),
    }


def post_created(post, *, first_post_id: int) -> EventLog:
    """A new post (its thread's first is `first_post_id`, known to the action that wrote it)."""
    return _thread_event(
        post.thread,
        "post.created",
        post=post.pk,
        **_signature(post),
        html=fragments.post_html(post, new=True, first_post_id=first_post_id),
    )


#: Events after which the post's earlier faces must no longer be replayed.
WITHDRAWING = {"post.deleted", "post.hidden"}


def post_changed(post, event_type: str) -> EventLog:
    """post.edited, post.deleted, post.hidden or post.restored: the post's new face."""
    html = fragments.post_html(post)
    if event_type in WITHDRAWING:
        _replace_logged_faces(post, html)
    return _thread_event(post.thread, event_type, post=post.pk, html=html)


def _replace_logged_faces(post, html: str) -> None:
    """A deleted or hidden post's content must not come back through a catch-up (`events_after`
    from an old number): its earlier events in the log, in whichever club's stream, now carry
    the face it has now, and its signature. A page that replays them ends where a live page is."""
    for event in EventLog.objects.filter(data__post=post.pk, data__has_key="html"):
        event.data = {**event.data, "html": html}
        if "author_name" in event.data:
            event.data.update(_signature(post))
        event.save(update_fields=["data"])


def faces_refreshed(posts) -> None:
    """These posts look otherwise without an event of their own: an account they name (as their
    author, or in a mention) was deleted. Their earlier events in the log now carry the face and
    signature they have now, so that a catch-up no longer hands out what the account showed of
    its owner (name, handle, organisation, profile link). Live pages learn it when they load."""
    logged = set(
        EventLog.objects.filter(data__post__in=[post.pk for post in posts], data__has_key="html")
        .values_list("data__post", flat=True)
        .distinct()
    )
    for post in posts:
        if post.pk in logged:  # older events are no longer kept: nothing to render for them
            _replace_logged_faces(post, fragments.post_html(post))


def reaction_changed(post, *, user, kind: str, added: bool) -> EventLog:
    counts = selectors.reaction_counts(post)
    return _thread_event(
        post.thread,
        "reaction.changed",
        post=post.pk,
        kind=kind,
        user=user.pk,
        added=added,
        counts=counts,
    )


def thread_created(thread) -> EventLog:
    return _thread_event(thread, "thread.created", title=thread.title)


def thread_flag(thread, event_type: str, value: bool) -> EventLog:
    """thread.pinned or thread.locked, with its new value."""
    return _thread_event(thread, event_type, value=value)


def thread_solved(thread) -> EventLog:
    return _thread_event(thread, "thread.solved", post=thread.accepted_answer_id)


def thread_moved(thread, *, from_club_id: int) -> None:
    """Tell both clubs. In the log of the club it left, the thread's earlier events (its title,
    its posts) become the news that it moved: a catch-up by someone who may not follow it into
    its new club no longer hands them its content. Numbers stay as they were, without gaps."""
    data = {"thread": thread.pk, "from_club": from_club_id, "to_club": thread.club_id}
    left = after_commit.group_name("club", from_club_id)
    EventLog.objects.filter(stream=left, data__thread=thread.pk).update(
        type="thread.moved", data=data
    )
    after_commit.publish(left, "thread.moved", **data)
    after_commit.publish(after_commit.group_name("club", thread.club_id), "thread.moved", **data)
