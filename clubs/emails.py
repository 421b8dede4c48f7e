"""The emails of clubs: invitation, answer to a join request. French text with an HTML
alternative, rendered from templates/clubs/email/. Sent by `clubs.tasks`, never directly by
actions (actions enqueue the task after commit)."""

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from community.emails import absolute_url, build_email, french_datetime

from .models import Invitation, JoinRequest


def invitation_url(raw_token: str) -> str:
    return absolute_url(reverse("clubs:invitation", args=[raw_token]))


def club_url(club) -> str:
    return absolute_url(reverse("clubs:detail", args=[club.slug]))


def invitation_email(invitation: Invitation, raw_token: str) -> EmailMultiAlternatives:
    """The invitation: club name, who invites, the link, and until when it is valid."""
    inviter = invitation.invited_by
    return build_email(
        "clubs/email/invitation",
        invitation.email,
        {
            "club": invitation.club,
            "inviter_name": inviter.display_name if inviter else "",
            "role": invitation.get_role_display(),
            "url": invitation_url(raw_token),
            "expires": french_datetime(invitation.expires_at),
        },
    )


def join_decision_email(join_request: JoinRequest) -> EmailMultiAlternatives:
    """The answer to a join request, approved or refused, with the moderator's message."""
    approved = join_request.status == JoinRequest.Status.APPROVED
    return build_email(
        "clubs/email/join_approved" if approved else "clubs/email/join_refused",
        join_request.user.email,
        {
            "club": join_request.club,
            "user_name": join_request.user.display_name,
            "decision_message": join_request.decision_message,
            "url": club_url(join_request.club),
        },
    )


def renewal_request_email(invitation: Invitation, moderator) -> EmailMultiAlternatives:
    """To a moderator: the holder of an expired or revoked invitation asks for a new one."""
    return build_email(
        "clubs/email/invitation_renewal",
        moderator.email,
        {
            "club": invitation.club,
            "moderator_name": moderator.display_name,
            "email": invitation.email,
            "url": absolute_url(reverse("clubs:invitations", args=[invitation.club.slug])),
        },
    )
