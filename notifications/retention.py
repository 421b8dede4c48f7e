"""Read notifications are kept `days` days, then deleted (run by `manage.py apply_retention`)."""

from datetime import timedelta

from django.utils import timezone

from .models import Notification


def purge(days: int) -> int:
    """Delete the read notifications older than `days` days; returns how many."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _by_model = Notification.objects.filter(
        read_at__isnull=False, created_at__lt=cutoff
    ).delete()
    return deleted
