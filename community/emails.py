"""Emails of the site: French text with an HTML alternative, rendered from three templates
(`<name>_subject.txt`, `<name>.txt`, `<name>.html`), dates in Europe/Paris."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from community.dates import long_datetime

PARIS = "Europe/Paris"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def french_datetime(value) -> str:
    """A date and time as French readers expect it, in Europe/Paris: « 12 mars 2026 à 14:30 »."""
    with timezone.override(PARIS):
        return long_datetime(value)


def build_email(template: str, to: str, context: dict) -> EmailMultiAlternatives:
    """The email made of the templates `template` + `_subject.txt`, `.txt` and `.html`."""
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    with translation.override("fr"), timezone.override(PARIS):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    return message
