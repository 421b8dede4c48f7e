"""Fixtures of the notifications' tests."""

import pytest

from notifications.models import NotificationPreference


@pytest.fixture
def prefer(db):
    """Set a member's preferences: prefer(user, mention="site", digest_frequency="daily")."""

    def set_preferences(user, **choices) -> NotificationPreference:
        preference, _created = NotificationPreference.objects.update_or_create(
            user=user, defaults=choices
        )
        return preference

    return set_preferences


@pytest.fixture
def mention(make_thread, make_post, run_on_commit):
    """`author` mentions `user` (by handle) in a new post of a thread; returns the post."""

    def write(author, user, thread=None, text="pouvez-vous relire ?"):
        with run_on_commit():
            thread = thread or make_thread(author.club_memberships.first().club, author)
            return make_post(thread, author, source=f"@{user.profile.handle} {text}")

    return write
