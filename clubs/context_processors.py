from django.utils.functional import SimpleLazyObject

from . import access


def header_clubs(request) -> list:
    """The member's clubs, by name, read once per request: the header lists them and the page's
    live layer follows their streams (messaging.context_processors.stream_positions)."""
    clubs = getattr(request, "_member_clubs", None)
    if clubs is None:
        clubs = list(access.member_clubs(getattr(request, "user", None)).order_by("name"))
        request._member_clubs = clubs
    return clubs


def my_clubs(request):
    """The member's clubs for the header: queried only by a page that shows them."""
    return {"my_clubs": SimpleLazyObject(lambda: header_clubs(request))}
