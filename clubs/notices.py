"""What clubs tell people through `notifications`: an invitation to someone who already has an
account, the answer to a join request, and a new join request to the club's moderators. Called
by `clubs.actions` inside their transaction. The invitation and the answer have their own email
(clubs.emails): the notification only shows on the site."""

from django.urls import reverse
from django.utils.translation import gettext as _

from community.models import User
from notifications import actions as notifications
from notifications.models import Audience, Kind

from . import access
from .models import Invitation, JoinRequest


def invited(invitation: Invitation, *, actor: User) -> None:
    invitee = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    if invitee is None:
        return
    club = invitation.club
    notifications.notify(
        recipient=invitee,
        kind=Kind.CLUB_ADMIN,
        text=_(
            "%(name)s vous invite à rejoindre le club « %(club)s » : suivez le lien du courriel "
            "d'invitation."
        )
        % {"name": actor.display_name, "club": club.name},
        # The invitation's link lives only in its email: the notification leads to the club's
        # public face where it has one, to the notifications otherwise.
        url=reverse("clubs:detail", args=[club.slug])
        if club.is_listed
        else reverse("notifications:list"),
        club=club,
        actor=actor,
        audience=Audience.PERSON,
        emailed_elsewhere=True,
    )


def join_requested(join_request: JoinRequest) -> None:
    club = join_request.club
    moderators = access.moderators_of(club).values_list("pk", flat=True)
    notifications.notify_many(
        recipients=moderators,
        kind=Kind.CLUB_ADMIN,
        text=_("%(name)s demande à rejoindre le club « %(club)s »")
        % {"name": join_request.user.display_name, "club": club.name},
        url=reverse("clubs:moderation", args=[club.slug]),
        club=club,
        actor=join_request.user,
        audience=Audience.MODERATORS,
    )


def join_decided(join_request: JoinRequest, *, actor: User) -> None:
    club = join_request.club
    approved = join_request.status == JoinRequest.Status.APPROVED
    text = (
        _("Votre demande pour rejoindre le club « %(club)s » est acceptée")
        if approved
        else _("Votre demande pour rejoindre le club « %(club)s » n'a pas été acceptée")
    )
    notifications.notify(
        recipient=join_request.user,
        kind=Kind.CLUB_ADMIN,
        text=text % {"club": club.name},
        url=reverse("clubs:detail", args=[club.slug]),
        club=club,
        actor=actor,
        audience=Audience.PERSON,
        emailed_elsewhere=True,
    )
