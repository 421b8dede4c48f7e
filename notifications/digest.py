"""The digest: per member whose frequency is due, the new threads and the most active threads of
their clubs since their last digest, and their unread notifications (mentions first). Nothing is
sent when there is nothing to say. `manage.py send_digests` runs it (cron or a systemd timer).

The digest reads the discussions (threads and posts), so this module imports `messaging`; the
rest of the app does not, so that `clubs` and `messaging` may both call `notifications.actions`.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clubs import access
from clubs.models import Membership
from community.emails import absolute_url, french_datetime
from community.models import User
from messaging.models import Thread, ThreadSubscription, visible_posts

from . import emails, selectors
from .models import Channel, Frequency, Kind, Notification, NotificationPreference

logger = logging.getLogger(__name__)

PERIODS: dict[str, timedelta] = {
    Frequency.DAILY: timedelta(days=1),
    Frequency.WEEKLY: timedelta(days=7),
}
# A timer that runs a little early must not skip a day: a digest is due an hour before its time.
SLACK = timedelta(hours=1)
MAX_NEW_THREADS = 10
MAX_ACTIVE_THREADS = 5
MAX_NOTIFICATIONS = 20


@dataclass
class Digest:
    since: datetime
    frequency_label: str
    mentions: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    new_threads: list = field(default_factory=list)
    active_threads: list = field(default_factory=list)
    notification_ids: list = field(default_factory=list)

    @property
    def since_label(self) -> str:
        return french_datetime(self.since)

    @property
    def is_empty(self) -> bool:
        return not (self.mentions or self.notifications or self.new_threads or self.active_threads)


def is_due(preference: NotificationPreference, now: datetime) -> bool:
    period = PERIODS.get(preference.digest_frequency)
    if period is None:
        return False
    return preference.last_digest_at is None or preference.last_digest_at <= now - period + SLACK


def _thread_entry(thread, **extra) -> dict:
    url = absolute_url(reverse("messaging:thread", args=[thread.club.slug, thread.pk]))
    return {"club": thread.club.name, "title": thread.title, "url": url, **extra}


def _threads(user, preference, since: datetime) -> tuple[list, list]:
    muted = ThreadSubscription.objects.filter(user=user, level=ThreadSubscription.Level.MUTE)
    threads = (
        Thread.objects.filter(club__in=access.member_clubs(user))
        .exclude(pk__in=muted.values("thread_id"))
        .select_related("club")
    )
    new = []
    if preference.new_thread != Channel.OFF:
        new = list(
            threads.filter(created_at__gt=since)
            .exclude(author=user)
            .order_by("-created_at")[:MAX_NEW_THREADS]
        )
    recent_posts = Q(posts__created_at__gt=since) & visible_posts("posts__")
    active = (
        threads.filter(created_at__lte=since)
        .annotate(new_posts=Count("posts", filter=recent_posts))
        .filter(new_posts__gt=0)
        .order_by("-new_posts", "-last_activity_at")[:MAX_ACTIVE_THREADS]
    )
    return (
        [_thread_entry(t) for t in new],
        [_thread_entry(t, new_posts=t.new_posts) for t in active],
    )


def build_digest(user, preference, *, now: datetime) -> Digest:
    period = PERIODS[preference.digest_frequency]
    since = preference.last_digest_at or now - period
    label = _("quotidien") if preference.digest_frequency == Frequency.DAILY else _("hebdomadaire")
    digest = Digest(since=since, frequency_label=label)
    unread = (
        selectors.deliverable(user)
        .filter(read_at__isnull=True, digested_at__isnull=True)
        .filter(Q(kind=Kind.MENTION) | Q(for_digest=True))
        .order_by("-created_at")[:MAX_NOTIFICATIONS]
    )
    for notification in unread:
        target = digest.mentions if notification.kind == Kind.MENTION else digest.notifications
        target.append(emails.notification_entry(notification))
        digest.notification_ids.append(notification.pk)
    digest.new_threads, digest.active_threads = _threads(user, preference, since)
    return digest


def send_digest(user, *, now: datetime | None = None) -> bool:
    """Send the member's digest if it is due and not empty; record that it was done."""
    now = now or timezone.now()
    preference = selectors.preference_of(user)
    if not access.is_active_user(user) or not is_due(preference, now):
        return False
    digest = build_digest(user, preference, now=now)
    with transaction.atomic():
        preference.last_digest_at = now
        preference.save()
        if digest.is_empty:
            return False
        Notification.objects.filter(pk__in=digest.notification_ids).update(digested_at=now)
        emails.digest_email(user, digest).send()
    return True


def members_to_consider():
    """Active accounts with at least one club: the others have nothing to read."""
    with_clubs = Membership.objects.values("user_id")
    return User.objects.filter(is_active=True, pk__in=with_clubs).select_related("profile")


def send_digests(*, now: datetime | None = None) -> int:
    """Send every due digest; returns how many were sent."""
    sent = 0
    for user in members_to_consider().iterator():
        try:
            sent += send_digest(user, now=now)
        except Exception:  # one refused address must not stop the others
            logger.exception("Récapitulatif de %s non envoyé", user.pk)
    return sent
