"""An invitation sent through a real SMTP server on loopback, followed to a working signup."""

import re

import pytest
from django.urls import reverse

from clubs.models import Club, Membership, Role
from community.models import User

pytestmark = [pytest.mark.system, pytest.mark.django_db]


def test_an_invitation_travels_by_smtp_and_its_link_opens_a_working_signup(
    client, make_user, smtp_server, django_capture_on_commit_callbacks
):
    club = Club.objects.create(name="Acheteurs publics", slug="acheteurs-publics")
    owner = make_user("proprietaire@exemple.fr", first_name="Odile", last_name="Roux")
    Membership.objects.create(user=owner, club=club, role=Role.OWNER)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("clubs:invitations", args=[club.slug]),
            {"emails": "Jeanne Achat <jeanne.achat@mairie.fr>", "role": "member"},
        )
    client.logout()

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "jeanne.achat@mairie.fr"
    assert "Acheteurs publics" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Odile Roux" in text
    link = re.search(r"http://testserver(/invitations/[\w-]+/)", text).group(1)
    assert link in html

    page = client.get(link)
    assert "Invitation au club « Acheteurs publics »" in page.content.decode()
    client.get(link + "inscription/")
    password = "un-mot-de-passe-solide-2026"
    response = client.post(
        reverse("account_signup"),
        {
            "email": "jeanne.achat@mairie.fr",
            "first_name": "Jeanne",
            "last_name": "Achat",
            "password1": password,
            "password2": password,
        },
    )
    assert response["Location"] == reverse("clubs:detail", args=[club.slug])
    jeanne = User.objects.get(email="jeanne.achat@mairie.fr")
    assert Membership.objects.filter(user=jeanne, club=club, role=Role.MEMBER).exists()
    assert client.get(reverse("clubs:members", args=[club.slug])).status_code == 200
