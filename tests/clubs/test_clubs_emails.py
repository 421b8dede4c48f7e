"""The emails of clubs: French, with an HTML alternative and the right link."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from clubs import actions
from clubs.emails import invitation_url
from community.emails import french_datetime

pytestmark = pytest.mark.django_db


def test_the_invitation_email_is_in_french_with_html_and_the_link(invite, club, settings):
    settings.SITE_URL = "https://entrepairs.example"
    invitation, raw = invite("nouvelle@mairie.fr")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    link = invitation_url(raw)
    assert link.startswith("https://entrepairs.example/")
    assert raw in link
    assert message.subject.endswith("Invitation à rejoindre le club « Secrétaires de mairie »")
    assert "Nadia Lefèvre vous invite à rejoindre le club « Secrétaires de mairie »" in message.body
    assert link in message.body
    assert french_datetime(invitation.expires_at) in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert f'href="{link}"' in html
    assert "Accepter l'invitation" in html


def test_the_invitation_link_falls_back_to_the_agreed_path(settings):
    settings.SITE_URL = "https://entrepairs.example"
    from django.urls import NoReverseMatch, reverse

    try:
        expected = "https://entrepairs.example" + reverse("clubs:invitation", args=["abc"])
    except NoReverseMatch:
        expected = "https://entrepairs.example/invitations/abc/"
    assert invitation_url("abc") == expected


def test_dates_are_written_the_french_way_in_paris_time():
    moment = datetime(2026, 3, 12, 13, 30, tzinfo=ZoneInfo("UTC"))
    assert french_datetime(moment) == "12 mars 2026 à 14:30"


def test_club_names_are_escaped_in_html_but_not_in_text(moderator, make_club, run_on_commit):
    from clubs.models import Membership, Role

    club = make_club("Achats & marchés <publics>")
    Membership.objects.create(user=moderator, club=club, role=Role.MODERATOR)
    with run_on_commit():
        actions.invite_member(actor=moderator, club=club, email="a@x.fr")
    message = mail.outbox[0]
    assert "Achats & marchés <publics>" in message.subject
    assert "Achats & marchés <publics>" in message.body
    assert "Achats &amp; marchés &lt;publics&gt;" in message.alternatives[0][0]


def test_the_join_decision_emails_have_an_html_alternative(
    moderator, make_user, club, run_on_commit
):
    first, second = make_user(display_name="Jeanne Doe"), make_user()
    with run_on_commit():
        actions.approve_join_request(
            actor=moderator, join_request=actions.request_to_join(user=first, club=club)
        )
        actions.refuse_join_request(
            actor=moderator, join_request=actions.request_to_join(user=second, club=club)
        )
    approved, refused = mail.outbox
    assert approved.body.startswith("Bonjour Jeanne Doe,")
    assert "vous en êtes maintenant membre" in approved.body
    assert "/clubs/" in approved.body or club.slug in approved.body
    assert refused.alternatives[0][1] == "text/html"
    assert "n'a pas été acceptée" in refused.alternatives[0][0]
