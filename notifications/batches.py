"""The sending side of grouped notification emails (the grouping is in notifications/delivery.py):
one email per person with everything waiting for them, and the batches left behind."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clubs import access
from community.models import User

from . import emails, selectors
from .models import Channel, Notification

logger = logging.getLogger(__name__)


def group_window() -> timedelta:
    return timedelta(seconds=getattr(settings, "NOTIFICATION_GROUP_SECONDS", 300))


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
