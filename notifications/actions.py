"""Every write of notifications. The actions that cause a notification (a post, a join request...)
call `notify` or `notify_many` inside their own transaction; the emails and the header's live
count leave after commit (see `delivery`)."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from clubs.models import Club
from community import after_commit
from community.models import User

from . import delivery, selectors
from .models import Audience, Channel, Frequency, Kind, Notification, NotificationPreference


def _build(
    recipient_id: int,
    channel: str,
    *,
    kind: str,
    text: str,
    url: str,
    club: Club | None,
    actor: User | None,
    audience: str,
    emailed_elsewhere: bool,
) -> Notification:
    return Notification(
        recipient_id=recipient_id,
        kind=kind,
        audience=audience,
        club=club,
        actor=actor,
        text=text[:300],
        url=url,
        email_pending=channel == Channel.EMAIL and not emailed_elsewhere,
        for_digest=channel == Channel.DIGEST,
    )


def notify_many(
    *,
    recipients: Iterable[User | int] | QuerySet[User],
    kind: str,
    text: str,
    url: str,
    club: Club | None = None,
    actor: User | None = None,
    audience: str = Audience.MEMBERS,
    emailed_elsewhere: bool = False,
) -> list[Notification]:
    """Tell these people, each as their preferences say (nothing for those who chose « Jamais »,
    nor for the actor). `emailed_elsewhere`: the event already sends its own email (an
    invitation, the answer to a join request), so no second one leaves.

    Given as a queryset of accounts, the recipients are read with their preferences in one
    query (a reply's followers, a club's readers); given as ids, in one query more."""
    actor_id = actor.pk if actor else None
    channels: dict[int, str]
    if isinstance(recipients, QuerySet):
        people = recipients.exclude(pk=actor_id) if actor_id else recipients
        channels = selectors.channels_of(people, kind)
    else:
        ids = {r if isinstance(r, int) else r.pk for r in recipients} - {actor_id}
        preferences = selectors.preferences_of(ids)
        channels = {pk: preferences[pk].channel(kind) for pk in ids}
    built = [
        _build(
            pk,
            channels[pk],
            kind=kind,
            text=text,
            url=url,
            club=club,
            actor=actor,
            audience=audience,
            emailed_elsewhere=emailed_elsewhere,
        )
        for pk in sorted(channels)
        if channels[pk] != Channel.OFF
    ]
    created = Notification.objects.bulk_create(built)
    delivery.on_commit_notified(created)
    return created


def notify(*, recipient: User, **fields: Any) -> Notification | None:
    """Tell one person (see `notify_many`); None if they chose not to be told."""
    created = notify_many(recipients=[recipient], **fields)
    return created[0] if created else None


@transaction.atomic
def mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        after_commit.tell_pages([user.pk], after_commit.NOTIFICATIONS_CHANGED)
    return notification


@transaction.atomic
def mark_read_leading_to(*, user: User, urls: list[str]) -> int:
    """The member has seen these pages (the posts a thread showed them): the notifications
    that lead there are read, and their open pages' badges say so."""
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True, url__in=urls).update(
        read_at=timezone.now()
    )
    if marked:
        after_commit.tell_pages([user.pk], after_commit.NOTIFICATIONS_CHANGED)
    return marked


@transaction.atomic
def mark_all_read(*, user: User) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        after_commit.tell_pages([user.pk], after_commit.NOTIFICATIONS_CHANGED)
    return marked


@transaction.atomic
def update_preferences(*, user: User, channels: dict[str, str], digest_frequency: str) -> None:
    """Save the member's choices: a channel per kind, and the digest's frequency."""
    values = {kind: channels[kind] for kind in Kind.values if kind in channels}
    for value in values.values():
        if value not in Channel.values:
            raise ValueError(value)
    if digest_frequency not in Frequency.values:
        raise ValueError(digest_frequency)
    NotificationPreference.objects.update_or_create(
        user=user, defaults={**values, "digest_frequency": digest_frequency}
    )


@transaction.atomic
def unsubscribe_email(*, user: User, kind: str) -> None:
    """One-click unsubscribe: this kind is no longer emailed (it stays on the site)."""
    preference = selectors.preference_of(user)
    if preference.channel(kind) == Channel.EMAIL:
        setattr(preference, kind, Channel.SITE)
        preference.save()
    Notification.objects.filter(recipient=user, kind=kind, email_pending=True).update(
        email_pending=False
    )


@transaction.atomic
def unsubscribe_digest(*, user: User) -> None:
    preference = selectors.preference_of(user)
    preference.digest_frequency = Frequency.NEVER
    preference.save()


@transaction.atomic
def drop_club_notifications(*, user_id: int, club_ids: list[int]) -> int:
    """The person lost access to these clubs: what they were told about them goes, read or not,
    so that no email, digest entry or unread count leads them back there."""
    deleted, _ = Notification.objects.filter(recipient_id=user_id, club_id__in=club_ids).delete()
    if deleted:
        after_commit.tell_pages([user_id], after_commit.NOTIFICATIONS_CHANGED)
    return deleted
