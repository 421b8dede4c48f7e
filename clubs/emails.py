"""The emails of clubs: invitation, answer to a join request. French text with an HTML
alternative, rendered from templates/clubs/email/. Sent by `clubs.tasks`, never directly by
actions (actions enqueue the task after commit)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from .models import Invitation, JoinRequest

PARIS = "Europe/Paris"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def invitation_url(raw_token: str) -> str:
    return _absolute(reverse("clubs:invitation", args=[raw_token]))


def club_url(club) -> str:
    return _absolute(reverse("clubs:detail", args=[club.slug]))


def french_datetime(value) -> str:
    """A date and time as French readers expect it, in Europe/Paris: « 12 mars 2026 à 14:30 »."""
    with translation.override("fr"), timezone.override(PARIS):
        local = timezone.localtime(value)
        return f"{formats.date_format(local, 'j F Y')} à {formats.time_format(local, 'H:i')}"


def _build(template: str, to: str, context: dict) -> EmailMultiAlternatives:
    context = {"site_name": getattr(settings, "WAGTAIL_SITE_NAME", "Entre pairs"), **context}
    with translation.override("fr"), timezone.override(PARIS):
        subject = render_to_string(f"clubs/email/{template}_subject.txt", context)
        text = render_to_string(f"clubs/email/{template}.txt", context)
        html = render_to_string(f"clubs/email/{template}.html", context)
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


def invitation_email(invitation: Invitation, raw_token: str) -> EmailMultiAlternatives:
    """The invitation: club name, who invites, the link, and until when it is valid."""
    inviter = invitation.invited_by
    return _build(
        "invitation",
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
    return _build(
        "join_approved" if approved else "join_refused",
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
    return _build(
        "invitation_renewal",
        moderator.email,
        {
            "club": invitation.club,
            "moderator_name": moderator.display_name,
            "email": invitation.email,
            "url": _absolute(reverse("clubs:invitations", args=[invitation.club.slug])),
        },
    )
