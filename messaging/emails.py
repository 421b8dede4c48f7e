"""The emails of the discussions: the outcome of a report, to the member who made it. French
text with an HTML alternative, rendered from templates/messaging/email/. Sent by
`messaging.tasks`, never directly by actions (actions enqueue the task after commit)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from clubs.emails import PARIS, club_url, french_datetime

from .models import Report


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _build(template: str, to: str, context: dict) -> EmailMultiAlternatives:
    context = {"site_name": getattr(settings, "WAGTAIL_SITE_NAME", "Entre pairs"), **context}
    with translation.override("fr"), timezone.override(PARIS):
        subject = render_to_string(f"messaging/email/{template}_subject.txt", context)
        text = render_to_string(f"messaging/email/{template}.txt", context)
        html = render_to_string(f"messaging/email/{template}.html", context)
    subject = " ".join(subject.split())
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=f"{prefix}{subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    return message


def report_outcome_email(report: Report) -> EmailMultiAlternatives:
    """To the member who reported a post: the post was hidden, or the report dismissed, with the
    moderator's note. The caller has checked that the reporter is still a member of the club.

    Nothing of the post itself is quoted. The link goes to the post only if it is still visible
    (a dismissed report); otherwise to the club's page."""
    post = report.post
    club = post.thread.club
    hidden = report.status == Report.Status.HIDDEN
    if not hidden and post.is_visible:
        url = _absolute(reverse("messaging:post", args=[club.slug, post.pk]))
    else:
        url = club_url(club)
    return _build(
        "report_hidden" if hidden else "report_dismissed",
        report.reporter.email,
        {
            "club": club,
            "thread_title": post.thread.title,
            "user_name": report.reporter.display_name,
            "reported_at": french_datetime(report.created_at),
            "reason": report.reason,
            "note": report.resolution_note,
            "url": url,
            "link_to_post": url != club_url(club),
        },
    )
