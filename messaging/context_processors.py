import json

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from clubs import access
from clubs.context_processors import header_clubs
from community import after_commit, event_log

from . import selectors


def live_streams_for(user, *, clubs: list | None = None) -> str:
    """JSON for the page's script: the streams to follow (personal, and one per club) with
    the sequence number the page is current to. Read it before the page's data. `clubs`: the
    member's clubs when the request has read them already (`clubs.context_processors`)."""
    if not access.is_active_user(user):
        return "[]"
    if clubs is None:
        club_ids = list(access.member_clubs(user).values_list("pk", flat=True))
    else:
        club_ids = [club.pk for club in clubs]
    streams = [after_commit.group_name("user", user.pk)] + [
        after_commit.group_name("club", pk) for pk in club_ids
    ]
    seqs = event_log.current_seqs(streams)
    return json.dumps([{"stream": s, "seq": seqs[s]} for s in streams])


def live(request):
    user = getattr(request, "user", None)
    return {
        "live_streams": SimpleLazyObject(
            lambda: live_streams_for(user, clubs=header_clubs(request))
        ),
        "unread_by_club": SimpleLazyObject(lambda: selectors.unread_threads_by_club(user)),
        # Read only by the pages that show moderation (the club's tabs, « À traiter »).
        "pending_reports_by_club": SimpleLazyObject(
            lambda: {
                club.pk: club.pending_reports for club in selectors.clubs_with_pending_reports(user)
            }
        ),
        # The page sends no frame over it (a longer reply goes through the form, over HTTP).
        "live_max_frame_bytes": settings.LIVE_MAX_FRAME_BYTES,
    }
