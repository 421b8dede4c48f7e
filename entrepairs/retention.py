"""How long the site keeps what: inactive accounts are warned, then deactivated; old live
events and old read notifications are deleted. Run daily by `manage.py apply_retention`."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from community.dates import long_date
from community.emails import absolute_url, build_email
from community.event_log import purge_old_events
from community.models import Profile, User
from notifications.retention import purge as purge_notifications

logger = logging.getLogger(__name__)


@dataclass
class RetentionReport:
    warned: int = 0
    deactivated: int = 0
    events_purged: int = 0
    notifications_purged: int = 0


def _last_seen():
    return Coalesce("last_login", "date_joined")


def warn_inactive_members(now) -> int:
    """Email the active members unseen for INACTIVE_WARNING_DAYS who were not warned yet."""
    limit = now - timedelta(days=settings.INACTIVE_WARNING_DAYS)
    deadline = now + timedelta(days=settings.INACTIVE_GRACE_DAYS)
    members = (
        User.objects.filter(is_active=True, profile__inactivity_warned_at__isnull=True)
        .alias(last_seen=_last_seen())
        .filter(last_seen__lt=limit)
        .select_related("profile")
    )
    warned = 0
    for member in members:
        build_email(
            "community/email/inactivity_warning",
            member.email,
            {
                "user_name": member.display_name,
                "last_seen": long_date(member.last_login or member.date_joined),
                "deadline": long_date(deadline),
                "url": absolute_url(reverse("account_login")),
            },
        ).send()
        Profile.objects.filter(user=member).update(inactivity_warned_at=now)
        warned += 1
    return warned


def forget_warnings_of_returning_members() -> None:
    """A member who logged in after the warning starts over: the next absence warns again."""
    Profile.objects.filter(
        inactivity_warned_at__isnull=False, user__last_login__gt=F("inactivity_warned_at")
    ).update(inactivity_warned_at=None)


def deactivate_warned_members(now) -> int:
    """Deactivate the members warned INACTIVE_GRACE_DAYS ago who did not come back. Each one
    goes through save(), so that their open pages close (community.signals)."""
    limit = now - timedelta(days=settings.INACTIVE_GRACE_DAYS)
    members = User.objects.filter(is_active=True, profile__inactivity_warned_at__lte=limit).filter(
        Q(last_login__isnull=True) | Q(last_login__lte=F("profile__inactivity_warned_at"))
    )
    deactivated = 0
    for member in members:
        member.is_active = False
        member.save(update_fields=["is_active"])
        deactivated += 1
    return deactivated


def purge_read_notifications() -> int:
    return purge_notifications(settings.NOTIFICATION_RETENTION_DAYS)


def apply_retention(now=None) -> RetentionReport:
    now = now or timezone.now()
    forget_warnings_of_returning_members()
    report = RetentionReport()
    report.deactivated = deactivate_warned_members(now)
    report.warned = warn_inactive_members(now)
    report.events_purged = purge_old_events()
    report.notifications_purged = purge_read_notifications()
    return report
