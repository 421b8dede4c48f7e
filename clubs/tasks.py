"""Background work of clubs: sending emails. Tasks receive ids (and, for an invitation, the raw
token) and re-fetch the objects, so that they see the state at the time they run."""

import logging

from django_tasks import task

from . import access, emails
from .models import Invitation, JoinRequest
from .tokens import token_matches

logger = logging.getLogger(__name__)


@task()
def send_invitation_email(invitation_id: int, raw_token: str) -> bool:
    """Send an invitation's email. The raw token cannot be re-derived from the stored hash, so it
    is an argument: with the immediate backend (development, tests) it never leaves memory; in
    production the task row holds the link until the worker has sent it.

    Nothing is sent if the invitation was revoked or accepted meanwhile, or if its token was
    regenerated (a newer task carries the new link)."""
    invitation = (
        Invitation.objects.select_related("club", "invited_by__profile")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        logger.info("Invitation %s non envoyée : plus valable.", invitation_id)
        return False
    if not token_matches(raw_token, invitation.token_hash):
        logger.info("Invitation %s non envoyée : lien remplacé entre-temps.", invitation_id)
        return False
    emails.invitation_email(invitation, raw_token).send()
    return True


@task()
def send_join_decision_email(join_request_id: int) -> bool:
    """Tell the requester that their join request was approved or refused."""
    join_request = (
        JoinRequest.objects.select_related("club", "user__profile")
        .filter(pk=join_request_id)
        .first()
    )
    if join_request is None or join_request.status not in (
        JoinRequest.Status.APPROVED,
        JoinRequest.Status.REFUSED,
    ):
        return False
    emails.join_decision_email(join_request).send()
    return True


@task()
def send_renewal_request_email(invitation_id: int) -> int:
    """Tell the club's owners and moderators that someone asks for a new invitation. Returns how
    many people were told."""
    invitation = Invitation.objects.select_related("club").filter(pk=invitation_id).first()
    if invitation is None:
        return 0
    managers = list(access.moderators_of(invitation.club).select_related("profile"))
    for manager in managers:
        emails.renewal_request_email(invitation, manager).send()
    return len(managers)
