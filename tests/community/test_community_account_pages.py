"""allauth's pages (email, password, two-factor, sessions, reset) in the site's layout and words,
and the two-factor QR code drawn inline, under the site's Content-Security-Policy."""

import pytest
from django.test import Client
from django.urls import reverse
from pages import html, markup, text

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide-42"


def log_in(user) -> Client:
    """A browser that logged in through the login page (as allauth records a real login)."""
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def confirmed(browser: Client) -> Client:
    """Sensitive pages (two-factor authentication) ask for the password again first."""
    assert (
        browser.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    )
    return browser


# --- The two-factor QR code ---------------------------------------------------------------------


def test_the_totp_setup_draws_its_qr_code_inline_with_an_accessible_name(member):
    response = confirmed(log_in(member)).get(reverse("mfa_activate_totp"))
    page = html(response)
    qr = page.select_one(".qr-code svg")
    assert qr is not None
    assert qr["role"] == "img"
    assert "application d'authentification" in qr["aria-label"]
    assert qr.select("path")
    assert "data:" not in markup(response)
    assert "<?xml" not in markup(response)
    assert not page.select("img[src^='data:']")


def test_the_totp_setup_shows_the_secret_to_type_by_hand(member):
    browser = confirmed(log_in(member))
    response = browser.get(reverse("mfa_activate_totp"))
    secret = browser.session["mfa.totp.secret"]
    assert html(response).select_one(".totp-secret code").get_text() == secret
    assert "tapez celle-ci" in text(response)


def test_the_page_policy_still_allows_only_the_site_s_own_images(member):
    response = confirmed(log_in(member)).get(reverse("mfa_activate_totp"))
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["img-src"] == ["'self'"]
    assert "data:" not in policy
