from django.utils.functional import SimpleLazyObject

from . import access


def my_clubs(request):
    """The member's clubs for the header: queried only by a page that shows them."""
    user = getattr(request, "user", None)
    return {"my_clubs": SimpleLazyObject(lambda: list(access.member_clubs(user).order_by("name")))}
