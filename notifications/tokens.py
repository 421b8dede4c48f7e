"""Signed unsubscribe links: they work without logging in (RFC 8058 one-click unsubscribe) and
expire after NOTIFICATION_UNSUBSCRIBE_DAYS days (90 by default)."""

from django.conf import settings
from django.core import signing

SALT = "notifications.unsubscribe"
DIGEST = "digest"


def make_token(user_id: int, kinds: list[str]) -> str:
    """`kinds`: the notification kinds an email carried, or [DIGEST] for the digest."""
    return signing.dumps({"u": int(user_id), "k": sorted(set(kinds))}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, list[str]]:
    """(user id, kinds); raises signing.SignatureExpired or signing.BadSignature."""
    days = getattr(settings, "NOTIFICATION_UNSUBSCRIBE_DAYS", 90)
    data = signing.loads(token, salt=SALT, max_age=days * 24 * 3600)
    kinds = data.get("k") if isinstance(data, dict) else None
    if not isinstance(data.get("u"), int) or not isinstance(kinds, list):
        raise signing.BadSignature("contenu inattendu")
    return data["u"], [str(kind) for kind in kinds]
