"""Emails at once: as each preference says, grouped within a few minutes, in French with a text
and an HTML part, the link to the exact post, a footer and one-click unsubscribe headers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clubs import actions as club_actions
from clubs.models import Membership
from community.models import Profile
from notifications import batches
from notifications.models import Kind, Notification
from notifications.tasks import send_email_batch

pytestmark = pytest.mark.django_db


def test_a_mention_is_emailed_at_once_by_default(member, author, club, mention, mailoutbox):
    post = mention(author, member)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [member.email]
    assert message.subject == (
        f"[Entre pairs] Bruno Petit vous a mentionné·e dans « {post.thread.title} »"
    )
    permalink = f"http://127.0.0.1:8000/clubs/{club.slug}/messages/{post.pk}/"
    assert permalink in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{permalink}"' in html
    assert "mentions de mon identifiant" in message.body  # why they receive it
    assert "/notifications/preferences/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://127.0.0.1:8000/notifications/desabonnement/"
    )
    assert Notification.objects.get(recipient=member, kind=Kind.MENTION).emailed_at is not None


def test_names_saved_with_a_line_break_stay_on_one_line_in_the_email(
    member, author, club, mention, mailoutbox
):
    """Names saved before they were checked: the writer's reaches the subject, the reader's the
    greeting of the plain text."""
    Profile.objects.filter(user=author).update(display_name="Bruno\r\nBcc: tous@exemple.fr")
    Profile.objects.filter(user=member).update(display_name="Claire\nMartin")
    author.refresh_from_db()
    member.refresh_from_db()
    post = mention(author, member)
    [message] = mailoutbox
    assert message.subject == (
        f"[Entre pairs] Bruno Bcc: tous@exemple.fr vous a mentionné·e dans « {post.thread.title} »"
    )
    assert message.message()["Bcc"] is None  # the name did not become a header
    lines = message.body.splitlines()
    assert lines[0] == "Bonjour Claire Martin,"
    assert f"- Bruno Bcc: tous@exemple.fr vous a mentionné·e dans « {post.thread.title} »" in lines


@pytest.mark.parametrize("channel", ["site", "digest"])
def test_a_mention_is_not_emailed_when_the_member_chose_the_site_or_the_digest(
    channel, member, author, club, mention, prefer, mailoutbox
):
    prefer(member, mention=channel)
    mention(author, member)
    assert mailoutbox == []
    notification = Notification.objects.get(recipient=member, kind=Kind.MENTION)
    assert notification.for_digest is (channel == "digest")


def test_replies_are_emailed_to_followers_who_asked_for_it(
    member, author, club, make_thread, make_post, prefer, run_on_commit, mailoutbox
):
    prefer(member, reply="email")
    thread = make_thread(club, member)
    with run_on_commit():
        make_post(thread, author, source="Voici notre délibération.")
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "Bruno Petit a répondu dans" in mailoutbox[0].subject


def test_new_threads_are_emailed_to_members_who_asked_for_it(
    member, moderator, author, club, make_thread, prefer, run_on_commit, mailoutbox
):
    prefer(member, new_thread="email")
    with run_on_commit():
        make_thread(club, author, title="Élections municipales")
    assert [m.to for m in mailoutbox] == [[member.email]]


def test_a_join_request_is_emailed_to_the_moderators_who_asked_for_it(
    moderator, owner, outsider, club, run_on_commit, mailoutbox, prefer
):
    prefer(moderator, club_admin="email")
    with run_on_commit():
        club_actions.request_to_join(user=outsider, club=club)
    assert [m.to for m in mailoutbox] == [[moderator.email]]
    assert "Paul Dehors demande à rejoindre" in mailoutbox[0].subject


def test_notifications_within_the_window_leave_in_one_email(
    member,
    author,
    moderator,
    club,
    make_thread,
    make_post,
    run_on_commit,
    mailoutbox,
    deferred_tasks,
):
    thread = make_thread(club, author)
    with run_on_commit():
        make_post(thread, author, source=f"@{member.profile.handle} premier")
        make_post(thread, moderator, source=f"@{member.profile.handle} deuxième")
        make_post(thread, author, source=f"@{member.profile.handle} troisième")
    # One batch, one task, run NOTIFICATION_GROUP_SECONDS after the first notification.
    scheduled = [r for r in deferred_tasks.results if r.task.name == "send_email_batch"]
    assert len(scheduled) == 1
    assert scheduled[0].args == [member.pk]
    expected = timezone.now() + timedelta(seconds=300)
    assert abs(scheduled[0].task.run_after - expected) < timedelta(seconds=30)
    assert mailoutbox == []
    assert send_email_batch.call(member.pk) == 3
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert mailoutbox[0].subject == "[Entre pairs] 3 nouvelles notifications"
    assert "premier" not in body  # the email says who and where, the post stays on the site
    assert body.count("vous a mentionné·e") == 3
    assert not Notification.objects.filter(email_pending=True).exists()


def test_a_notification_after_the_batch_left_starts_a_new_one(
    member, author, club, mention, deferred_tasks, mailoutbox
):
    mention(author, member)
    send_email_batch.call(member.pk)
    mention(author, member)
    scheduled = [r for r in deferred_tasks.results if r.task.name == "send_email_batch"]
    assert len(scheduled) == 2


def test_a_notification_read_before_the_batch_leaves_is_not_emailed(
    member, author, club, mention, deferred_tasks, mailoutbox, client_for
):
    mention(author, member)
    notification = Notification.objects.get(recipient=member, kind=Kind.MENTION)
    client_for(member).get(f"/notifications/{notification.pk}/")
    assert send_email_batch.call(member.pk) == 0
    assert mailoutbox == []


def test_a_member_removed_before_the_batch_leaves_is_emailed_nothing_about_the_club(
    member, author, owner, club, mention, deferred_tasks, mailoutbox
):
    mention(author, member)
    club_actions.remove_member(
        actor=owner, membership=Membership.objects.get(user=member, club=club)
    )
    assert send_email_batch.call(member.pk) == 0
    assert mailoutbox == []
    assert not Notification.objects.filter(email_pending=True).exists()


def test_batches_left_behind_are_sent_by_the_safety_net(
    member, author, club, mention, deferred_tasks, mailoutbox
):
    mention(author, member)
    assert batches.send_stale_batches() == 0  # still within its window
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert batches.send_stale_batches() == 1
    assert len(mailoutbox) == 1


def test_a_mail_server_refusal_keeps_the_batch_for_later(
    member, author, club, mention, deferred_tasks, mailoutbox, monkeypatch
):
    mention(author, member)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        send_email_batch.call(member.pk)
    notification = Notification.objects.get(recipient=member, kind=Kind.MENTION)
    assert notification.email_pending and notification.emailed_at is None
