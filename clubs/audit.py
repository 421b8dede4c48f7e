"""The club's journal: every act of its moderation and membership is written here, in the
transaction of the act (`MembershipEvent`). The discussions' actions (hide, pin, move...) write
to it too."""

from typing import Any

from community.models import User

from .models import Club, MembershipEvent

Kind = MembershipEvent.Kind


def log_event(
    *,
    club: Club,
    actor: User | None,
    kind: str,
    target_user: User | None = None,
    target_email: str = "",
    **detail: Any,
) -> MembershipEvent:
    return MembershipEvent.objects.create(
        club=club,
        actor=actor,
        kind=kind,
        target_user=target_user,
        target_email=target_email or (target_user.email if target_user else ""),
        detail=detail,
    )


def forget_person(user: User) -> None:
    """An account that goes leaves no address in the journals: its entries then say « — »."""
    MembershipEvent.objects.filter(target_user=user).update(target_email="")
    MembershipEvent.objects.filter(target_email__iexact=user.email).update(target_email="")
