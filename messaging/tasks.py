"""Background work of the discussions: emails. Tasks receive ids and re-fetch the objects, so that
they see the state at the time they run (and the rules of `clubs.access` at that time)."""

import logging

from django_tasks import task

from clubs import access

from . import emails
from .models import Report

logger = logging.getLogger(__name__)


@task()
def send_report_outcome_email(report_id: int) -> bool:
    """Tell the member who reported a post what the moderators decided. Nothing is sent if the
    report is still open, if the account is gone, or if the reporter is no longer a member of
    the post's club (removed, banned, left, deactivated): they no longer see its content."""
    report = (
        Report.objects.select_related("post__thread__club", "reporter__profile")
        .filter(pk=report_id)
        .first()
    )
    if report is None or report.status == Report.Status.OPEN:
        return False
    reporter = report.reporter
    if reporter is None or not reporter.email:
        return False
    if access.membership_of(reporter, report.post.thread.club) is None:
        logger.info(
            "Signalement %s : issue non envoyée, la personne n'est plus membre du club.",
            report_id,
        )
        return False
    emails.report_outcome_email(report).send()
    return True
