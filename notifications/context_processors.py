from functools import cache

from clubs import access

from . import selectors


def unread_notifications(request):
    """The header badge's number: a callable, so that only a page that shows it queries it (once;
    templates call it where they use it)."""
    user = getattr(request, "user", None)

    @cache
    def count() -> int:
        return selectors.unread_count(user) if access.is_active_user(user) else 0

    return {"unread_notifications": count}
