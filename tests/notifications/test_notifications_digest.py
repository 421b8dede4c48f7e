"""The digest: new threads and the most active threads of the member's clubs since their last
digest, and their unread mentions; nothing sent when empty; the time of the last one recorded."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clubs import actions as club_actions
from clubs.models import Membership
from messaging.models import Post, Thread
from notifications import digest
from notifications.models import Kind, Notification
from notifications.selectors import preference_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_thread(club, author, make_thread):
    """A thread opened three weeks ago, before any digest period."""
    thread = make_thread(club, author, title="Archivage des registres")
    long_ago = timezone.now() - timedelta(days=21)
    Thread.objects.filter(pk=thread.pk).update(created_at=long_ago)
    Post.objects.filter(thread=thread).update(created_at=long_ago)
    Notification.objects.all().delete()
    thread.refresh_from_db()
    return thread


def test_the_digest_lists_new_threads_active_threads_and_unread_mentions(
    member,
    author,
    moderator,
    club,
    old_thread,
    make_thread,
    make_post,
    mention,
    mailoutbox,
    prefer,
):
    prefer(member, mention="digest")
    make_post(old_thread, author, source="Une relance.")
    make_post(old_thread, moderator, source="Une réponse.")
    make_thread(club, author, title="Budget primitif")
    mention(author, member, thread=old_thread)
    assert digest.send_digest(member) is True
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "[Entre pairs] Votre récapitulatif hebdomadaire"
    body = message.body
    assert "Nouveaux fils de discussion" in body and "Budget primitif" in body
    assert "Les fils les plus actifs" in body
    assert "Archivage des registres (3 nouveaux messages)" in body
    assert "Vous a mentionné·e, non lu" in body and "Bruno Petit vous a mentionné·e" in body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "récapitulatif hebdomadaire de vos clubs" in body  # why they receive it
    assert "Budget primitif" in message.alternatives[0][0]
    preference = preference_of(member)
    assert preference.last_digest_at is not None
    assert Notification.objects.get(recipient=member, kind=Kind.MENTION).digested_at is not None


def test_an_empty_digest_is_not_sent_but_the_time_is_recorded(member, club, mailoutbox):
    assert digest.send_digest(member) is False
    assert mailoutbox == []
    assert preference_of(member).last_digest_at is not None


def test_a_digest_is_sent_once_per_period(member, author, club, make_thread, mailoutbox, prefer):
    prefer(member, digest_frequency="daily")
    make_thread(club, author, title="Premier fil")
    now = timezone.now()
    assert digest.send_digest(member, now=now)
    make_thread(club, author, title="Deuxième fil")
    assert not digest.send_digest(member, now=now + timedelta(hours=2))
    assert digest.send_digest(member, now=now + timedelta(days=1))
    assert len(mailoutbox) == 2
    assert "Deuxième fil" in mailoutbox[1].body and "Premier fil" not in mailoutbox[1].body


def test_never_means_no_digest(member, author, club, make_thread, mailoutbox, prefer):
    prefer(member, digest_frequency="never")
    make_thread(club, author)
    assert not digest.send_digest(member)
    assert mailoutbox == []


def test_new_threads_are_left_out_for_a_member_who_turned_them_off(
    member, author, club, make_thread, mailoutbox, prefer
):
    prefer(member, new_thread="off")
    make_thread(club, author, title="Budget primitif")
    assert not digest.send_digest(member)


def test_own_threads_and_other_clubs_are_not_in_the_digest(
    member, author, other_club_member, other_club, club, make_thread, mailoutbox
):
    make_thread(club, member, title="Mon propre fil")
    make_thread(other_club, other_club_member, title="Fil des archivistes")
    assert not digest.send_digest(member)


def test_a_removed_member_gets_nothing_about_the_club_in_the_digest(
    member, author, owner, club, make_thread, mention, mailoutbox
):
    make_thread(club, author, title="Budget primitif")
    mention(author, member)
    club_actions.remove_member(
        actor=owner, membership=Membership.objects.get(user=member, club=club)
    )
    mailoutbox.clear()
    assert not digest.send_digest(member)
    assert mailoutbox == []


def test_the_command_sends_every_due_digest(
    member, author, moderator, club, make_thread, mailoutbox, capsys
):
    make_thread(club, author, title="Budget primitif")
    call_command("send_digests")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([member.email, moderator.email])
    assert "2 récapitulatif(s) envoyé(s)" in capsys.readouterr().out
    mailoutbox.clear()
    call_command("send_digests")
    assert mailoutbox == []
