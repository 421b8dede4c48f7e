"""The emails of the discussions: the outcome of a report, to the member who made it. French
text with an HTML alternative, rendered from templates/messaging/email/. Sent by
`messaging.tasks`, never directly by actions (actions enqueue the task after commit)."""

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from clubs.emails import club_url
from community.emails import absolute_url, build_email, french_datetime

from .models import Report


def report_outcome_email(report: Report) -> EmailMultiAlternatives:
    """To the member who reported a post: the post was hidden, or the report dismissed, with the
    moderator's note. The caller has checked that the reporter is still a member of the club.

    Nothing of the post itself is quoted. The link goes to the post only if it is still visible
    (a dismissed report); otherwise to the club's page."""
    post = report.post
    club = post.thread.club
    hidden = report.status == Report.Status.HIDDEN
    if not hidden and post.is_visible:
        url = absolute_url(reverse("messaging:post", args=[club.slug, post.pk]))
    else:
        url = club_url(club)
    return build_email(
        "messaging/email/report_hidden" if hidden else "messaging/email/report_dismissed",
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
