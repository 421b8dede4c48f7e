"""The member's notifications and preferences, for « Télécharger mes données »."""

from .models import Notification, NotificationPreference


def export(user) -> dict:
    preference = NotificationPreference.objects.filter(user=user).first()
    notifications = Notification.objects.filter(recipient=user).order_by("-created_at")
    return {
        "preferences": None
        if preference is None
        else {
            "mention": preference.mention,
            "reply": preference.reply,
            "new_thread": preference.new_thread,
            "club_admin": preference.club_admin,
            "digest_frequency": preference.digest_frequency,
        },
        "notifications": [
            {
                "kind": n.kind,
                "text": n.text,
                "url": n.url,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in notifications
        ],
    }
