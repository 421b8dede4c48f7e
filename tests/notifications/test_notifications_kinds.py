"""Each kind of notification reaches the right people, once, with the link to what it is about."""

import pytest
from django.urls import reverse

from clubs import actions as club_actions
from clubs.models import JoinRequest, Visibility
from messaging import actions as messaging_actions
from messaging.models import ThreadSubscription
from notifications.models import Audience, Kind, Notification

pytestmark = pytest.mark.django_db


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_mention_tells_the_mentioned_member_with_the_link_to_the_post(
    member, author, club, mention
):
    post = mention(author, member)
    notification = Notification.objects.get(recipient=member, kind=Kind.MENTION)
    assert notification.text == f"Bruno Petit vous a mentionné·e dans « {post.thread.title} »"
    assert notification.url == reverse("messaging:post", args=[club.slug, post.pk])
    assert notification.club == club
    assert notification.actor == author


def test_a_mention_of_oneself_or_of_a_non_member_tells_no_one(
    author, outsider, club, make_thread, make_post
):
    thread = make_thread(club, author)
    make_post(thread, author, source=f"@{author.profile.handle} @{outsider.profile.handle}")
    assert kinds_of(outsider) == []
    assert Kind.MENTION not in kinds_of(author)


def test_an_edit_that_adds_a_mention_tells_only_the_newly_mentioned(
    member, moderator, author, club, make_thread, make_post, run_on_commit
):
    thread = make_thread(club, author)
    post = make_post(thread, author, source=f"@{member.profile.handle} bonjour")
    with run_on_commit():
        messaging_actions.edit_post(
            editor=author,
            post=post,
            source=f"@{member.profile.handle} @{moderator.profile.handle} bonjour",
        )
    assert Notification.objects.filter(recipient=member, kind=Kind.MENTION).count() == 1
    assert Notification.objects.filter(recipient=moderator, kind=Kind.MENTION).count() == 1


def test_a_reply_tells_the_followers_but_not_the_muted_nor_the_others(
    member, moderator, owner, author, club, make_thread, make_post
):
    thread = make_thread(club, member)  # writing follows the thread
    messaging_actions.set_subscription(
        user=moderator, thread=thread, level=ThreadSubscription.Level.MUTE
    )
    make_post(thread, author)
    assert Kind.REPLY in kinds_of(member)
    assert Kind.REPLY not in kinds_of(moderator)
    assert Kind.REPLY not in kinds_of(owner)  # never followed it
    assert Kind.REPLY not in kinds_of(author)  # their own reply


def test_a_follower_who_is_mentioned_is_told_once_for_the_mention(
    member, author, club, make_thread, make_post
):
    thread = make_thread(club, member)
    make_post(thread, author, source=f"@{member.profile.handle} voyez ceci")
    assert sorted(kinds_of(member)) == [Kind.MENTION]


def test_a_new_thread_tells_the_members_of_its_club_only(
    member, moderator, author, other_club_member, club, make_thread
):
    thread = make_thread(club, author, title="Recensement 2026")
    for user in (member, moderator):
        notification = Notification.objects.get(recipient=user)
        assert notification.kind == Kind.NEW_THREAD
        assert "Recensement 2026" in notification.text
    assert kinds_of(author) == []
    assert kinds_of(other_club_member) == []
    assert thread.club == club


def test_a_report_tells_the_moderators_of_the_club(
    member, moderator, owner, author, club, make_thread, make_post, run_on_commit
):
    post = make_post(make_thread(club, author), author)
    Notification.objects.all().delete()
    with run_on_commit():
        messaging_actions.report_post(reporter=member, post=post, reason="Propos déplacés")
    for user in (moderator, owner):
        notification = Notification.objects.get(recipient=user)
        assert notification.kind == Kind.CLUB_ADMIN
        assert notification.audience == Audience.MODERATORS
        assert notification.url == reverse("messaging:reports", args=[club.slug])
    assert kinds_of(member) == [] and kinds_of(author) == []


def test_a_join_request_tells_the_moderators_and_the_decision_tells_the_requester(
    moderator, owner, outsider, club, run_on_commit
):
    with run_on_commit():
        join_request = club_actions.request_to_join(user=outsider, club=club, message="Bonjour")
    assert kinds_of(moderator) == [Kind.CLUB_ADMIN] and kinds_of(owner) == [Kind.CLUB_ADMIN]
    assert "Paul Dehors demande à rejoindre" in Notification.objects.get(recipient=owner).text
    with run_on_commit():
        club_actions.refuse_join_request(actor=moderator, join_request=join_request)
    notification = Notification.objects.get(recipient=outsider)
    assert notification.text == (
        "Votre demande pour rejoindre le club « Secrétaires de mairie » n'a pas été acceptée"
    )
    # The answer has its own email already: the notification is not emailed a second time.
    assert not notification.email_pending
    assert JoinRequest.objects.get().status == JoinRequest.Status.REFUSED


def test_an_approved_request_says_so(moderator, outsider, club, run_on_commit):
    join_request = club_actions.request_to_join(user=outsider, club=club)
    with run_on_commit():
        club_actions.approve_join_request(actor=moderator, join_request=join_request)
    assert "est acceptée" in Notification.objects.get(recipient=outsider).text


def test_an_invitation_of_someone_with_an_account_tells_them_on_the_site(
    moderator, outsider, club, run_on_commit
):
    with run_on_commit():
        club_actions.invite_member(actor=moderator, club=club, email=outsider.email)
    notification = Notification.objects.get(recipient=outsider)
    assert notification.kind == Kind.CLUB_ADMIN
    assert notification.audience == Audience.PERSON
    assert "Nadia Lefèvre vous invite à rejoindre" in notification.text
    assert notification.url == reverse("clubs:detail", args=[club.slug])
    assert not notification.email_pending  # the invitation's own email carries the link
    with run_on_commit():
        club_actions.invite_member(actor=moderator, club=club, email="inconnu@mairie.fr")
    assert Notification.objects.count() == 1


def test_an_invitation_to_a_secret_club_leads_to_the_notifications_not_to_a_404(
    moderator, outsider, club, run_on_commit
):
    club.visibility = Visibility.SECRET
    club.save()
    with run_on_commit():
        club_actions.invite_member(actor=moderator, club=club, email=outsider.email)
    assert Notification.objects.get(recipient=outsider).url == reverse("notifications:list")


def test_a_member_who_chose_never_is_not_told(member, author, club, mention, prefer):
    prefer(member, mention="off", new_thread="off")
    mention(author, member)
    assert kinds_of(member) == []
