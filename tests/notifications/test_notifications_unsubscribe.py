"""One-click unsubscribe (RFC 8058) without logging in: a signed link, a confirmation page on GET,
the change on POST; a tampered or expired link gets a clear French message, never a 500."""

import time
from unittest import mock

import pytest
from django.urls import reverse

from notifications import tokens
from notifications.models import Channel, Frequency, Kind, Notification
from notifications.selectors import preference_of

pytestmark = pytest.mark.django_db


def link(user, kinds) -> str:
    return reverse("notifications:unsubscribe", args=[tokens.make_token(user.pk, kinds)])


def test_get_asks_for_confirmation_and_changes_nothing(client, member):
    response = client.get(link(member, [Kind.MENTION]))
    assert response.status_code == 200
    assert "Confirmer le désabonnement" in response.content.decode()
    assert preference_of(member).mention == Channel.EMAIL


def test_one_click_post_unsubscribes_without_logging_in(client, member, prefer):
    prefer(member, mention="email", club_admin="email", reply="email")
    response = client.post(
        link(member, [Kind.MENTION, Kind.CLUB_ADMIN]),
        {"List-Unsubscribe": "One-Click"},
        enforce_csrf_checks=True,
    )
    assert response.status_code == 200
    assert "vous ne recevrez plus de courriels" in response.content.decode()
    preference = preference_of(member)
    assert preference.mention == Channel.SITE
    assert preference.club_admin == Channel.SITE
    assert preference.reply == Channel.EMAIL  # not named by the link


def test_the_csrf_check_does_not_stop_a_mail_client(member):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(link(member, [Kind.MENTION]))
    assert response.status_code == 200
    assert preference_of(member).mention == Channel.SITE


def test_unsubscribing_drops_the_emails_still_waiting(
    client, member, author, mention, prefer, deferred_tasks
):
    mention(author, member)
    client.post(link(member, [Kind.MENTION]))
    assert not Notification.objects.filter(recipient=member, email_pending=True).exists()
    assert Notification.objects.filter(recipient=member, kind=Kind.MENTION).exists()


def test_the_digest_link_stops_the_digest(client, member):
    client.post(link(member, [tokens.DIGEST]))
    assert preference_of(member).digest_frequency == Frequency.NEVER


def test_a_tampered_link_gets_a_clear_message(client, member):
    token = tokens.make_token(member.pk, [Kind.MENTION])
    url = reverse("notifications:unsubscribe", args=[token[:-3] + "abc"])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "pas valable (il a peut-être été coupé)" in response.content.decode()
    assert preference_of(member).mention == Channel.EMAIL


def test_an_expired_link_gets_a_clear_message(client, member, settings):
    settings.NOTIFICATION_UNSUBSCRIBE_DAYS = 90
    with mock.patch("time.time", return_value=time.time() - 91 * 24 * 3600):
        url = link(member, [Kind.MENTION])
    response = client.post(url)
    assert response.status_code == 400
    assert "a expiré" in response.content.decode()
    assert preference_of(member).mention == Channel.EMAIL


def test_a_link_for_an_account_that_is_gone_gets_a_clear_message(client, member):
    url = link(member, [Kind.MENTION])
    member.delete()
    response = client.get(url)
    assert response.status_code == 400
    assert "ne correspond à aucun compte" in response.content.decode()


def test_a_link_naming_an_unknown_kind_changes_nothing(client, member):
    response = client.post(link(member, ["tout"]))
    assert response.status_code == 400
