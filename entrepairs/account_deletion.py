"""Deleting a member's account: it gathers from every app (their posts, uploads, follows,
sessions), so it lives with the project rather than in the ground it deletes from."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from clubs import audit
from clubs.models import Club, Membership, Role
from community import after_commit, security
from community.action_errors import ActionError
from community.models import User
from messaging import actions as messaging_actions


def clubs_left_without_owner(user: User) -> list[Club]:
    """Active clubs where the member is the only owner while others remain: they must name
    another owner before their account goes (a club is never left without a head)."""
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values("club_id")
    return list(
        Club.objects.active()
        .filter(pk__in=owned)
        .annotate(
            owners=Count("memberships", filter=Q(memberships__role=Role.OWNER), distinct=True),
            members=Count("memberships", distinct=True),
        )
        .filter(owners=1, members__gt=1)
        .order_by("name")
    )


@transaction.atomic
def delete_account(*, user: User, erase_posts: bool) -> None:
    """The member deletes their account. Their posts stay signed « Ancien membre » or are
    erased, at their choice; the files they uploaded and their photo leave the disk; every
    session ends and every open page closes. Nothing allows logging in afterwards: the
    account's row is gone."""
    blocking = clubs_left_without_owner(user)
    if blocking:
        raise ActionError(
            _(
                "Vous êtes le seul ou la seule propriétaire de : %(clubs)s. Nommez d'abord une "
                "autre personne propriétaire (page Modération, Membres), puis revenez ici."
            )
            % {"clubs": ", ".join(club.name for club in blocking)},
            "last_owner",
        )
    if erase_posts:
        messaging_actions.erase_posts_of(author=user)
    messaging_actions.remove_uploads_of(uploader=user)
    messaging_actions.forget_person(person=user)
    audit.forget_person(user)
    after_commit.delete_files([name for name in [user.profile.avatar.name] if name])
    security.end_other_sessions(user, keep_session_key=None)
    after_commit.tell_pages([user.pk], after_commit.ACCESS_CHANGED)
    user.delete()
