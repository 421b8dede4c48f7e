"""allauth's pages (email, password, two-factor, sessions, reset) in the site's layout and words,
and the two-factor QR code drawn inline, under the site's Content-Security-Policy."""

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Origin, Template
from django.test import Client
from django.urls import reverse
from pages import html, markup, text

from community.forms import ResetPasswordForm

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


# --- allauth's elements in the site's markup ----------------------------------------------------


def render_elements(source: str, **context) -> BeautifulSoup:
    """A page written, as allauth's are, with its `{% element %}` tags."""
    origin = Origin(name="elements.html", template_name="elements.html")
    template = Template("{% load allauth %}" + source, origin=origin)
    return BeautifulSoup(template.render(Context(context)), "html.parser")


def test_an_allauth_field_is_labelled_without_colon_its_help_and_error_tied_to_it():
    page = render_elements(
        "{% element field id='adresse' name='email' type='email' errors=errors %}"
        "{% slot label %}Adresse électronique{% endslot %}"
        "{% slot help_text %}Celle de votre compte.{% endslot %}{% endelement %}",
        errors=["Saisissez une adresse valide."],
    )
    assert page.select_one("div.field.field--error") is not None
    assert page.select_one("label[for=adresse]").get_text(" ", strip=True) == "Adresse électronique"
    control = page.select_one("input#adresse")
    assert control["aria-invalid"] == "true"
    assert control["aria-describedby"].split() == ["adresse_helptext", "adresse_error"]
    assert page.select_one("#adresse_helptext").get_text(strip=True) == "Celle de votre compte."
    assert page.select_one("ul.errorlist#adresse_error").get_text(strip=True) == (
        "Saisissez une adresse valide."
    )


def test_an_allauth_form_shows_the_site_s_error_box_labelled_fields_and_buttons():
    form = ResetPasswordForm(data={"email": "pas-une-adresse"})
    page = render_elements(
        "{% element form form=form method='post' action='/envoi/' %}"
        "{% slot body %}{% element fields form=form unlabeled=True %}{% endelement %}{% endslot %}"
        "{% slot actions %}{% element button type='submit' %}Envoyer{% endelement %}"
        "{% element button href='/retour/' tags='danger,delete' %}Retirer{% endelement %}"
        "{% endslot %}{% endelement %}",
        form=form,
    )
    assert page.select_one("form.form[action='/envoi/']") is not None
    assert page.select_one(".form-errors[role=alert]") is not None
    assert (
        page.select_one("label[for=id_email]")
        .get_text(" ", strip=True)
        .startswith("Adresse électronique")
    )
    email = page.select_one("input#id_email")
    assert "placeholder" not in email.attrs
    assert "id_email_error" in email["aria-describedby"].split()
    assert page.select_one("#id_email_error") is not None
    assert page.select_one("button.button[type=submit]").get_text(strip=True) == "Envoyer"
    assert page.select_one("a.button.button--danger[href='/retour/']") is not None
