"""Delivery of notifications after commit: the header's live count, and emails grouped by
recipient.

Grouping: a notification to be emailed at once waits in its recipient's batch (`email_pending`).
The first one of a batch enqueues `tasks.send_email_batch` to run NOTIFICATION_GROUP_SECONDS
later (when the task backend can defer, as the database worker does); the others, arriving
meanwhile, find a batch waiting and enqueue nothing. When the task runs, everything pending for
that person leaves in one email. A backend that cannot defer (the immediate one, in development)
sends at once. `manage.py send_digests` also sends batches left behind (a worker stopped, a
race at the edge of a batch) once they are older than two windows.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clubs import access
from community import after_commit
from community.models import User

from . import emails, selectors, tasks
from .models import Channel, Notification

logger = logging.getLogger(__name__)


def group_window() -> timedelta:
    return timedelta(seconds=getattr(settings, "NOTIFICATION_GROUP_SECONDS", 300))


# --- After commit -------------------------------------------------------------------------------


def on_commit_notified(notifications: list[Notification]) -> None:
    """After commit (community.after_commit): the recipients' open pages update their badge,
    and the notifications to email join their recipient's batch."""
    recipients = [n.recipient_id for n in notifications]
    after_commit.tell_pages(recipients, after_commit.NOTIFICATIONS_CHANGED)
    pending = [(n.recipient_id, n.pk) for n in notifications if n.email_pending]
    if pending:
        after_commit.run(_schedule_batches, pending)


def _schedule_batches(pending: list[tuple[int, int]]) -> None:
    for recipient_id, notification_id in pending:
        schedule_batch(recipient_id, notification_id)


def schedule_batch(recipient_id: int, notification_id: int) -> None:
    """Start a batch for this notification, unless an earlier one waits for the person (its
    batch will take this one too). Comparing ids, not only times, means that of two
    notifications committed at once exactly one starts the batch."""
    window = group_window()
    waiting = Notification.objects.filter(
        recipient_id=recipient_id,
        email_pending=True,
        created_at__gte=timezone.now() - window,
        pk__lt=notification_id,
    ).exists()
    if waiting:
        return
    task = tasks.send_email_batch
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + window)
    task.enqueue(recipient_id)


# --- The batch ----------------------------------------------------------------------------------


def send_email_batch(recipient_id: int) -> int:
    """Send, in one email, every notification waiting for this person that they may still
    receive, have not read meanwhile, and still want by email. Returns how many it held."""
    user = User.objects.filter(pk=recipient_id).first()
    pending = Notification.objects.filter(recipient_id=recipient_id, email_pending=True)
    if user is None or not access.is_active_user(user):
        pending.update(email_pending=False)
        return 0
    with transaction.atomic():
        ids = list(pending.select_for_update().values_list("pk", flat=True))
        preference = selectors.preference_of(user)
        to_send = [
            n
            for n in selectors.deliverable(user)
            .filter(pk__in=ids, read_at__isnull=True)
            .select_related("club", "actor__profile")
            .order_by("created_at", "pk")
            if preference.channel(n.kind) == Channel.EMAIL
        ]
        Notification.objects.filter(pk__in=ids).update(email_pending=False)
        Notification.objects.filter(pk__in=[n.pk for n in to_send]).update(
            emailed_at=timezone.now()
        )
        if to_send:
            # Inside the transaction: if the mail server refuses, the batch stays pending.
            emails.notification_email(user, to_send).send()
    return len(to_send)


def send_stale_batches() -> int:
    """Send the batches whose task never ran; returns how many people got one."""
    cutoff = timezone.now() - 2 * group_window()
    recipients = (
        Notification.objects.filter(email_pending=True, created_at__lt=cutoff)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in list(recipients):
        try:
            sent += bool(send_email_batch(recipient_id))
        except Exception:  # one unreachable recipient must not stop the others
            logger.exception("Notifications de %s non envoyées", recipient_id)
    return sent
