import json

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from clubs import access
from clubs.context_processors import header_clubs
from community import after_commit, event_log

from . import fragments, selectors


def stream_positions(request) -> dict[str, int]:
    """The member's streams (personal, then one per club of the header) with their current
    numbers, read once per request. Read before the page's data (see `live_streams`)."""
    positions = getattr(request, "_stream_positions", None)
    if positions is None:
        user = request.user
        streams = [after_commit.group_name("user", user.pk)] + [
            after_commit.group_name("club", club.pk) for club in header_clubs(request)
        ]
        positions = request._stream_positions = event_log.current_seqs(streams)
    return positions


def live_streams(request) -> str:
    """JSON for the page's script: the streams to follow with the number the page is current
    to. A view calls it before reading its data, so that nothing published in between is
    missed."""
    if not access.is_active_user(getattr(request, "user", None)):
        return "[]"
    return json.dumps([{"stream": s, "seq": n} for s, n in stream_positions(request).items()])


# The header's unread counts per club, kept per process for each member and each state of what
# they depend on: the member's clubs (a join, a removal, a ban, an archived club change them),
# the clubs' stream numbers (every post created, edited, deleted, hidden, restored or moved is
# an event on its club's stream, the same numbers the page reads anyway for its live layer),
# and the member's read positions (`read_version`). Any change gives another key, so the counts
# are never stale and nothing has to be invalidated; the query they replace read every thread
# of the member's clubs.
KEPT_UNREAD_COUNTS = 5000
_kept_unread_counts: fragments.LastUsed[dict[int, int]] = fragments.LastUsed(KEPT_UNREAD_COUNTS)


def forget_unread_counts() -> None:
    _kept_unread_counts.clear()


def unread_by_club(request) -> dict[int, int]:
    user = getattr(request, "user", None)
    if not access.is_active_user(user):
        return {}
    if not settings.UNREAD_COUNTS_KEPT:
        return selectors.unread_threads_by_club(user)
    positions = stream_positions(request)
    key = (user.pk, tuple(positions.items()), selectors.read_version(user))
    counts = _kept_unread_counts.get(key)
    if counts is None:
        counts = selectors.unread_threads_by_club(user)
        _kept_unread_counts.put(key, counts)
    return counts


def live(request):
    user = getattr(request, "user", None)
    return {
        "live_streams": SimpleLazyObject(lambda: live_streams(request)),
        "unread_by_club": SimpleLazyObject(lambda: unread_by_club(request)),
        # Read only by the pages that show moderation (the club's tabs, « À traiter »).
        "pending_reports_by_club": SimpleLazyObject(
            lambda: {
                club.pk: club.pending_reports for club in selectors.clubs_with_pending_reports(user)
            }
        ),
        # The page sends no frame over it (a longer reply goes through the form, over HTTP).
        "live_max_frame_bytes": settings.LIVE_MAX_FRAME_BYTES,
    }
