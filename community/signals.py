"""Reactions to changes of accounts, whichever way they happen (signup, Wagtail, the admin,
createsuperuser): every account has a profile; a deactivated account, a changed password or a
logged-out session stops the live pages concerned; a new password ends the account's other
sessions. And whatever ended someone's access to a club (the domain event `access_ended`), their
pages re-check what they follow."""

from allauth.account.signals import password_changed, password_reset
from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import after_commit, domain_events, security
from .models import Profile, unique_handle


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile_for_new_user(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance, defaults={"handle": unique_handle(instance)})


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_what_the_save_changes(sender, instance, raw=False, update_fields=None, **kwargs):
    """Whether this save deactivates the account or changes its password, told once the row is
    written (`recheck_live_pages_when_access_ends`): a page re-checking earlier would still find
    the account as it was."""
    instance._access_change = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"is_active", "password"} & set(update_fields):
        return
    before = sender.objects.filter(pk=instance.pk).values("is_active", "password").first()
    if before is None:
        return
    if before["is_active"] and not instance.is_active:
        instance._access_change = "deactivated"
    elif before["password"] != instance.password:
        instance._access_change = "password"


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def recheck_live_pages_when_access_ends(sender, instance, raw=False, **kwargs):
    """However an account is deactivated or its password changed (account pages, password
    reset, the admin, erasure...), its open pages re-check at once: they close if the account is
    deactivated, or if their session was logged out by the new password."""
    change = getattr(instance, "_access_change", None)
    instance._access_change = None
    if change == "deactivated":
        _announce_lost_access_to_every_club(instance)
    elif change == "password":
        after_commit.tell_pages([instance.pk], after_commit.ACCESS_CHANGED)


def pages_recheck_after_lost_access(*, user_id: int, club_ids: list[int]) -> None:
    """Handler of the domain event `access_ended`: the person's pages re-check what they follow,
    at once (registered in `CommunityConfig.ready`)."""
    after_commit.tell_pages([user_id], after_commit.ACCESS_CHANGED)


def _announce_lost_access_to_every_club(user) -> None:
    """A deactivated account keeps its memberships (it may be reactivated) but reads no club:
    the same loss of access as leaving each of them, announced once for all."""
    club_ids = list(user.club_memberships.values_list("club_id", flat=True))
    domain_events.announce(domain_events.ACCESS_ENDED, user_id=user.pk, club_ids=club_ids)


@receiver(user_logged_out)
def close_live_pages_of_the_session(sender, request, user, **kwargs):
    if user is not None and request is not None:
        security.close_pages_of_session(user.pk, request.session.session_key)


@receiver(password_changed)
@receiver(password_reset)
def end_other_sessions_on_new_password(sender, request, user, **kwargs):
    """Whoever knew the old password is out: every other session of the account ends."""
    session = getattr(request, "session", None)
    security.end_other_sessions(user, keep_session_key=getattr(session, "session_key", None))
