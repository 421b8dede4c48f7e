"""Demonstration notifications. Runs after messaging.demo, whose threads were written through
the actions and so already told the demo members (mentions, replies, new threads).

Here: those notifications are not emailed (the demo's addresses are not real), each demo account
keeps its three newest unread and the others read, and one account takes a daily digest.
Idempotent: a second run finds nothing left to change.
"""

from django.db.models import F

from community.models import User

from .models import Frequency, Notification, NotificationPreference

UNREAD_KEPT = 3
DAILY_DIGEST = "secretaire@demo.test"


def seed(log) -> None:
    demo = Notification.objects.filter(recipient__email__endswith="@demo.test")
    demo.filter(email_pending=True).update(email_pending=False)
    for user in User.objects.filter(email__endswith="@demo.test"):
        newest = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
        kept = list(newest.values_list("pk", flat=True)[:UNREAD_KEPT])
        Notification.objects.filter(recipient=user, read_at__isnull=True).exclude(
            pk__in=kept
        ).update(read_at=F("created_at"))
    daily = User.objects.filter(email=DAILY_DIGEST).first()
    if daily is not None:
        NotificationPreference.objects.get_or_create(
            user=daily, defaults={"digest_frequency": Frequency.DAILY}
        )
    log(f"Notifications : {demo.count()} pour les comptes de démonstration.")
