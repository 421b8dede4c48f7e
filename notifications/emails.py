"""The emails of notifications: the grouped notification email and the digest. French text with
an HTML alternative (community.emails), a footer saying why the member receives it, and
one-click unsubscribe headers (RFC 8058) whose signed link works without logging in."""

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from community.emails import absolute_url, build_email
from community.models import one_line

from . import tokens
from .models import Kind


def unsubscribe_url(user, kinds: list[str]) -> str:
    token = tokens.make_token(user.pk, kinds)
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def _with_unsubscribe(message: EmailMultiAlternatives, url: str) -> EmailMultiAlternatives:
    message.extra_headers["List-Unsubscribe"] = f"<{url}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _footer_context(user, kinds: list[str]) -> dict:
    url = unsubscribe_url(user, kinds)
    return {
        "user_name": user.display_name,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "unsubscribe_url": url,
    }


def notification_entry(notification) -> dict:
    """A notification as an email lists it: its sentence on one line (a name saved with a line
    break, before names were checked, must not begin a line of its own) and its link."""
    return {"text": one_line(notification.text), "url": absolute_url(notification.url)}


def notification_email(user, notifications) -> EmailMultiAlternatives:
    """One email for a batch of notifications, each with the link to what it is about."""
    kinds = sorted({n.kind for n in notifications})
    labels = [str(Kind(kind).label).lower() for kind in kinds]
    context = {
        "notifications": [notification_entry(n) for n in notifications],
        "count": len(notifications),
        "reasons": labels,
        **_footer_context(user, kinds),
    }
    message = build_email("notifications/email/notifications", user.email, context)
    return _with_unsubscribe(message, context["unsubscribe_url"])


def digest_email(user, digest) -> EmailMultiAlternatives:
    context = {
        "digest": digest,
        "frequency": digest.frequency_label,
        **_footer_context(user, [tokens.DIGEST]),
    }
    message = build_email("notifications/email/digest", user.email, context)
    return _with_unsubscribe(message, context["unsubscribe_url"])
