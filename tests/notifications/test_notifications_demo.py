"""The demo accounts find a few notifications, three unread at most, none waiting for email."""

import pytest

from community.models import User
from notifications.models import Frequency, Notification

pytestmark = pytest.mark.django_db


def test_the_demo_accounts_have_notifications_to_look_at(demo_data):
    secretary = User.objects.get(email="secretaire@demo.test")
    assert Notification.objects.filter(recipient=secretary).exists()
    for user in User.objects.filter(email__endswith="@demo.test"):
        assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() <= 3
    assert not Notification.objects.filter(email_pending=True).exists()
    assert secretary.notification_preference.digest_frequency == Frequency.DAILY
