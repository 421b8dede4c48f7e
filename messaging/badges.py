"""How a page's header badge is counted, without the transport knowing who keeps the count.

The websocket consumer recounts a member's unread notifications when `NOTIFICATIONS_CHANGED`
reaches their page; the app that owns notifications sits above the transport, so it hands its
counter here in its `AppConfig.ready()` (`badges.count_unread_with(unread_count)`).
"""

from collections.abc import Callable

from community.models import User

_unread_counter: Callable[[User], int] | None = None


def count_unread_with(counter: Callable[[User], int]) -> None:
    global _unread_counter
    _unread_counter = counter


def unread(user: User) -> int:
    """The member's unread count; 0 while no app counts (the badge stays hidden)."""
    return _unread_counter(user) if _unread_counter else 0
