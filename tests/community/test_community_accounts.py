"""Login by email, closed signup, mandatory verification, no account enumeration."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from community.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "motdepasse-solide-42"


def test_a_member_logs_in_with_email_and_password_and_reaches_the_dashboard(client, member):
    response = client.post(
        reverse("account_login"), {"login": "MEMBRE@mairie.fr", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    dashboard = client.get(reverse("home"))
    assert "Bonjour, Claire Martin" in dashboard.content.decode()


def test_the_login_form_names_its_fields_in_the_site_words_without_placeholders(client):
    page = client.get(reverse("account_login")).content.decode()
    assert '<label for="id_login">Courriel' in page
    assert "placeholder" not in page


def test_a_wrong_password_is_refused_with_a_french_message(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": "faux"})
    assert response.status_code == 200
    assert "adresse e-mail ou le mot de passe sont incorrects" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unverified_address_cannot_log_in(client, db):
    user = User.objects.create_user(email="nouveau@exemple.fr", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_signup_is_closed_and_says_so_in_french(client):
    page = client.get(reverse("account_signup"))
    assert "Inscription sur invitation" in page.content.decode()
    response = client.post(
        reverse("account_signup"),
        {"email": "intrus@exemple.fr", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert "il faut y être invité" in response.content.decode()
    assert not User.objects.filter(email="intrus@exemple.fr").exists()


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, member):
    known = client.post(reverse("account_reset_password"), {"email": member.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "personne@exemple.fr"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    reset_mails = [m for m in mail.outbox if member.email in m.to]
    assert len(reset_mails) == 1


def test_a_member_logs_out_with_a_post(member_client):
    response = member_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in member_client.session


def test_repeated_failed_logins_lock_the_account_for_a_while(client, member):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "mauvais"})
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session
