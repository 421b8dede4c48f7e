"""Who may still receive a notification about a club, asked of clubs.access at delivery: allowed
and denied, for each audience."""

import pytest
from django.utils import timezone

from clubs import access
from clubs import actions as club_actions
from clubs.models import Membership, Role
from notifications import selectors
from notifications.models import Audience, Kind, Notification

pytestmark = pytest.mark.django_db


def notify(user, club, audience):
    return Notification.objects.create(
        recipient=user, kind=Kind.CLUB_ADMIN, club=club, audience=audience, text="x", url="/"
    )


def visible(user) -> set[int]:
    return set(selectors.deliverable(user).values_list("pk", flat=True))


def test_members_hear_about_their_club_content_and_others_do_not(member, outsider, club):
    assert set(access.readable_clubs(member)) == {club}
    assert not access.readable_clubs(outsider).exists()
    mine = notify(member, club, Audience.MEMBERS)
    theirs = notify(outsider, club, Audience.MEMBERS)
    assert visible(member) == {mine.pk} and visible(outsider) == set()
    assert theirs.pk not in visible(member)


def test_a_banned_member_hears_nothing_more_about_the_club(owner, member, club):
    content = notify(member, club, Audience.MEMBERS)
    personal = notify(member, club, Audience.PERSON)
    assert visible(member) == {content.pk, personal.pk}
    club_actions.ban_member(actor=owner, club=club, user=member, reason="Spam")
    assert visible(member) == set()
    assert set(access.clubs_banning(member)) == {club}


def test_moderation_news_reach_moderators_and_staff_but_not_members(moderator, member, staff, club):
    for user in (moderator, member, staff):
        notify(user, club, Audience.MODERATORS)
    assert visible(moderator) and visible(staff)
    assert visible(member) == set()
    assert set(access.clubs_run_by(staff)) == {club}
    assert not access.clubs_run_by(member).exists()


def test_personal_news_reach_someone_outside_the_club(outsider, club):
    news = notify(outsider, club, Audience.PERSON)
    assert visible(outsider) == {news.pk}


def test_a_deactivated_account_hears_nothing(member, club):
    notify(member, club, Audience.MEMBERS)
    member.is_active = False
    member.save()
    assert visible(member) == set()
    assert not access.readable_clubs(member).exists()
    assert Membership.objects.filter(user=member).exists()


def unread_everywhere(user) -> int:
    """The badge's count, which must always agree with the list."""
    count = selectors.unread_count(user)
    assert count == selectors.deliverable(user).filter(read_at__isnull=True).count()
    return count


def test_the_badge_counts_what_the_list_shows_and_follows_every_change_at_once(
    owner, moderator, member, outsider, club
):
    """The badge's SQL is built once per member and process: what it counts still follows a
    ban, a new role, staff rights, a read notification and a deactivation at once."""
    for user in (moderator, member, outsider):
        for audience in Audience.values:
            notify(user, club, audience)
    assert unread_everywhere(member) == 2  # the club's content and their own news
    assert unread_everywhere(moderator) == 3
    assert unread_everywhere(outsider) == 1  # only their own news, outside the club
    Membership.objects.filter(user=member, club=club).update(role=Role.MODERATOR)
    assert unread_everywhere(member) == 3
    club_actions.ban_member(actor=owner, club=club, user=member, reason="Spam")
    assert unread_everywhere(member) == 0
    outsider.is_staff = True
    outsider.save()
    assert unread_everywhere(outsider) == 2  # staff run every club: its moderation news too
    Notification.objects.filter(recipient=moderator, audience=Audience.PERSON).update(
        read_at=timezone.now()
    )
    assert unread_everywhere(moderator) == 2
    moderator.is_active = False
    moderator.save()
    assert unread_everywhere(moderator) == 0
