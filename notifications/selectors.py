"""Reads of notifications. Every list goes through `deliverable`, which asks `clubs.access`
whether the recipient may still hear about each notification's club: a member removed from a
club between the event and the delivery sees, receives and is emailed nothing about it."""

from collections.abc import Collection
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from clubs import access
from community.models import User

from .models import Audience, Notification, NotificationPreference

PER_PAGE = 20


def preference_of(user: User) -> NotificationPreference:
    """The member's preferences (unsaved defaults if they never chose)."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def preferences_of(user_ids: Collection[int]) -> dict[int, NotificationPreference]:
    """Preferences of many members in one query, with defaults for those who never chose."""
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}
    return {pk: found.get(pk) or NotificationPreference(user_id=pk) for pk in user_ids}


def channels_of(people: QuerySet[User], kind: str) -> dict[int, str]:
    """How each of these people wants to be told of this kind of notification, read with them
    in one query (the default channel for those who never chose)."""
    default = NotificationPreference().channel(kind)
    rows = people.values_list("pk", f"notification_preference__{kind}")
    return {pk: channel or default for pk, channel in rows}


def _still_allowed(user: User) -> Q:
    return (
        Q(club__isnull=True)
        | Q(audience=Audience.MEMBERS, club__in=access.readable_clubs(user))
        | Q(audience=Audience.MODERATORS, club__in=access.clubs_run_by(user))
        | (Q(audience=Audience.PERSON) & ~Q(club__in=access.clubs_banning(user)))
    )


def deliverable(user: access.Person) -> QuerySet[Notification]:
    """The user's notifications they may still receive now."""
    if not access.is_active_user(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).filter(_still_allowed(user))


_UNREAD = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())


def notifications_page_list(user: access.Person) -> QuerySet[Notification]:
    """The notifications page: unread first, then newest first."""
    return deliverable(user).select_related("club").order_by(_UNREAD.desc(), "-created_at", "-pk")


def unread_count(user: access.Person) -> int:
    """The header's badge: how many of the user's deliverable notifications are unread.

    Every open page counts again when its member's notifications change (a reply tells each of
    the thread's followers), and building this query (the access rules' subqueries) cost five
    times as much as running it. Its SQL depends only on who asks, so each process builds it
    once per member (`_unread_count_sql`); the rules it holds are evaluated by the database at
    each count, so a removal or a ban still counts at once."""
    if not access.is_active_user(user):
        return 0
    sql, params = _unread_count_sql(user.pk, bool(user.is_staff), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (count,) = cursor.fetchone()
        return int(count)


@lru_cache(maxsize=4096)
def _unread_count_sql(user_id: int, is_staff: bool, vendor: str) -> tuple[str, tuple[Any, ...]]:
    """The counting SQL of `unread_count` for an active member: a pure function of these
    arguments (the rules of `deliverable` read nothing else of the person; `vendor` for
    the SQL's dialect)."""
    person = User(pk=user_id, is_staff=is_staff, is_active=True)
    unread = deliverable(person).filter(read_at__isnull=True).values("pk")
    sql, params = unread.query.get_compiler(connection=connection).as_sql()
    return f"SELECT COUNT(*) FROM ({sql}) unread", tuple(params)
