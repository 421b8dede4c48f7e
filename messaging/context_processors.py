import json

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from clubs import access

from . import events, selectors
from .models import StreamCounter


def live_streams_for(user) -> str:
    """JSON for the page's script: the streams to follow (personal, and one per club) with
    the sequence number the page is current to. Read it before the page's data."""
    if not access.is_active_user(user):
        return "[]"
    streams = [events.user_stream(user.pk)] + [
        events.club_stream(pk) for pk in access.member_clubs(user).values_list("pk", flat=True)
    ]
    seqs = dict(StreamCounter.objects.filter(stream__in=streams).values_list("stream", "last_seq"))
    return json.dumps([{"stream": s, "seq": seqs.get(s, 0)} for s in streams])


def live(request):
    user = getattr(request, "user", None)
    return {
        "live_streams": SimpleLazyObject(lambda: live_streams_for(user)),
        "unread_by_club": SimpleLazyObject(lambda: selectors.unread_threads_by_club(user)),
        # The page sends no frame over it (a longer reply goes through the form, over HTTP).
        "live_max_frame_bytes": settings.LIVE_MAX_FRAME_BYTES,
    }
