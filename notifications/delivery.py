"""Delivery of notifications after commit: the header's live count, and emails grouped by
recipient.

Grouping: a notification to be emailed at once waits in its recipient's batch (`email_pending`).
The first one of a batch enqueues `tasks.send_email_batch` to run NOTIFICATION_GROUP_SECONDS
later (when the task backend can defer, as the database worker does); the others, arriving
meanwhile, find a batch waiting and enqueue nothing. When the task runs, everything pending for
that person leaves in one email (notifications/batches.py). A backend that cannot defer (the
immediate one, in development) sends at once. `manage.py send_digests` also sends batches left
behind (a worker stopped, a race at the edge of a batch) once they are older than two windows.
"""

from datetime import timedelta

from django.db.models import Min
from django.utils import timezone

from community import after_commit

from . import tasks
from .batches import group_window
from .models import Notification

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
    """Start a batch for each of these notifications, unless an earlier one waits for its
    person (that batch will take it too). Comparing ids, not only times, means that of two
    notifications committed at once exactly one starts the batch. The earliest waiting
    notification of every person is read in one query, however many the reply's followers."""
    window = group_window()
    earliest = dict(
        Notification.objects.filter(
            recipient_id__in={recipient_id for recipient_id, _id in pending},
            email_pending=True,
            created_at__gte=timezone.now() - window,
        )
        .values("recipient_id")
        .annotate(first=Min("pk"))
        .values_list("recipient_id", "first")
    )
    for recipient_id, notification_id in pending:
        if earliest.get(recipient_id, notification_id) >= notification_id:
            _start_batch(recipient_id, window)


def _start_batch(recipient_id: int, window: timedelta) -> None:
    task = tasks.send_email_batch
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + window)
    task.enqueue(recipient_id)
