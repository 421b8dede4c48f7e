"""allauth's pages (email, password, two-factor, sessions, reset) in the site's layout and words,
and the two-factor QR code drawn inline, under the site's Content-Security-Policy."""

import re
from datetime import UTC, datetime

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from bs4 import BeautifulSoup
from django.core import mail
from django.template import Context, Origin, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pages import html, markup, text, words
from test_community_account_security import PASSWORD, confirm_password, current_code, log_in

from community.forms import ResetPasswordForm
from community.security import describe_user_agent

pytestmark = pytest.mark.django_db


def confirmed(browser: Client) -> Client:
    """The browser, once it has given the password again (sensitive pages ask for it)."""
    confirm_password(browser)
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


# --- allauth's pages in the site's words ----------------------------------------------------------

# English from allauth's templates, and allauth's own French where the site says it otherwise.
LEFTOVERS = [
    "E-mail actuel", "Changer pour", "e-mail", "E-mail", "Email", "Authenticator App",
    "Authenticator secret", "Authenticator code",
    "authentificateur", "Sign Out", "Sign In", "Two-Factor", "deux facteurs", "Recovery",
    "récupération", "Réinitialis", "Confirmer l'accès", "Options alternatives", "Password",
    "Current", "Veuillez", "Activate", "Deactivate", "Started At", "Browser",
]  # fmt: skip


def assert_in_site_words(response, *expected: str) -> None:
    assert response.status_code == 200
    words = text(response)
    for phrase in expected:
        assert phrase in words
    assert [leftover for leftover in LEFTOVERS if leftover in words] == []
    for label in html(response).select("main label"):
        assert not label.get_text(" ", strip=True).endswith(":"), label


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("account_email", ["Adresse électronique", "Nouvelle adresse électronique"]),
        ("account_change_password", ["Mot de passe actuel", "Changer mon mot de passe"]),
        ("account_logout", ["Se déconnecter"]),
        ("mfa_index", ["Double authentification", "Codes de secours", "Activer"]),
        ("mfa_activate_totp", ["Activer la double authentification", "Code à six chiffres"]),
        ("usersessions_list", ["Sessions actives", "Cette session"]),
    ],
)
def test_each_account_page_speaks_the_site_s_french(member, name, expected):
    response = confirmed(log_in(member)).get(reverse(name))
    assert_in_site_words(response, *expected)
    assert html(response).select_one("nav.account-nav") is not None


def test_the_email_page_names_the_current_and_the_pending_address(member, run_on_commit):
    browser = log_in(member)
    with run_on_commit():
        browser.post(reverse("account_email"), {"action_add": "", "email": "claire@commune.fr"})
    response = browser.get(reverse("account_email"))
    assert_in_site_words(
        response,
        "Votre adresse : membre@mairie.fr",
        "Changement en attente : claire@commune.fr",
        "Renvoyer le lien",
        "Annuler le changement",
    )
    assert 'style="' not in markup(response)  # the site's policy forbids inline styles


def test_a_refused_new_address_is_said_next_to_its_field(member):
    response = log_in(member).post(reverse("account_email"), {"action_add": "", "email": "non"})
    assert_in_site_words(response, "Le formulaire contient des erreurs")
    control = html(response).select_one("input[name=email]")
    assert control["aria-invalid"] == "true"
    assert "id_email_error" in control["aria-describedby"].split()
    assert control.has_attr("autofocus")


def test_the_reauthentication_page_asks_for_the_password_in_french(member):
    response = log_in(member).get(reverse("account_reauthenticate"))
    assert_in_site_words(
        response, "Confirmez qu'il s'agit bien de vous", "Mot de passe", "Confirmer",
        "Avec un code reçu par courriel",
    )  # fmt: skip
    code_page = log_in(member).get(reverse("account_request_reauthentication_code"))
    assert_in_site_words(code_page, "M'envoyer un code", "Avec mon mot de passe")


def test_the_two_factor_pages_of_a_member_who_has_it_speak_french(member):
    with_totp(member)
    browser = Client()
    browser.force_login(member)
    assert_in_site_words(
        browser.get(reverse("mfa_reauthenticate")), "Code de vérification", "codes de secours"
    )
    index = browser.get(reverse("mfa_index"))
    assert_in_site_words(index, "Activée", "Il vous reste 10 codes de secours", "Désactiver")


def test_the_two_factor_pages_once_confirmed(member):
    secret = with_totp(member)
    browser = Client()
    browser.force_login(member)
    confirm = browser.post(reverse("mfa_reauthenticate"), {"code": current_code(secret)})
    assert confirm.status_code == 302
    for name, expected in [
        ("mfa_deactivate_totp", "Désactiver la double authentification"),
        ("mfa_view_recovery_codes", "Il vous en reste 10 sur 10"),
        ("mfa_generate_recovery_codes", "Créer les nouveaux codes"),
    ]:
        assert_in_site_words(browser.get(reverse(name)), expected)
    download = browser.get(reverse("mfa_download_recovery_codes")).content.decode()
    assert download.startswith("Entre pairs — vos codes de secours")


def test_the_login_s_second_step_asks_for_the_code_in_french(member):
    with_totp(member)
    browser = Client()
    browser.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    response = browser.get(reverse("mfa_authenticate"))
    assert_in_site_words(response, "Double authentification", "Code de vérification", "Annuler")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (reverse("account_reset_password"), ["Mot de passe oublié", "Recevoir le lien"]),
        (reverse("account_reset_password_done"), ["un courriel vous y attend"]),
        (reverse("account_email_verification_sent"), ["Confirmez votre adresse électronique"]),
        (reverse("account_confirm_email", args=["cle-inconnue"]), ["a expiré"]),
        (reverse("account_reset_password_from_key", args=["1-x", "cle"]), ["Lien expiré"]),
        (reverse("account_inactive"), ["Compte désactivé"]),
        (reverse("account_reset_password_from_key_done"), ["Votre mot de passe est changé"]),
    ],
)
def test_the_pages_before_login_speak_the_site_s_french(client, path, expected):
    assert_in_site_words(client.get(path), *expected)


# --- allauth's emails in the site's words -------------------------------------------------------

EMAIL_LEFTOVERS = ["Hello", "Bonjour de", "Bonjour, c'est", "127.0.0.1", "testserver",
                   "Merci d'utiliser", "e-mail", "E-mail", "Please", "example.com"]  # fmt: skip


def assert_site_email(message) -> None:
    assert message.subject.startswith("[Entre pairs] ")
    assert "L'équipe Entre pairs" in message.body
    assert message.body.startswith("Bonjour")
    everything = message.subject + message.body.replace("http://testserver/", "")
    assert [leftover for leftover in EMAIL_LEFTOVERS if leftover in everything] == []


def test_the_password_reset_email_is_in_french_with_a_link_that_works(client, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert_site_email(message)
    assert message.subject == "[Entre pairs] Choisir un nouveau mot de passe"
    assert message.body.startswith("Bonjour Claire Martin,")
    link = re.search(r"https?://\S+/comptes/password/reset/key/\S+", message.body).group(0)
    page = client.get(link, follow=True)
    assert_in_site_words(page, "Nouveau mot de passe")
    new_password = "une-phrase-de-passe-neuve-7"
    done = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
        follow=True,
    )
    assert_in_site_words(done, "Votre mot de passe est changé")
    member.refresh_from_db()
    assert member.check_password(new_password)


def test_a_reset_asked_for_an_unknown_address_answers_in_the_site_s_words(client, db):
    client.post(reverse("account_reset_password"), {"email": "personne@commune.fr"})
    (message,) = mail.outbox
    assert_site_email(message)
    assert "Aucun compte n'utilise cette adresse" in message.body
    assert "/comptes/signup/" not in message.body  # signup is by invitation only


def test_a_new_address_gets_a_french_confirmation_email(member, run_on_commit):
    browser = log_in(member)
    with run_on_commit():
        browser.post(reverse("account_email"), {"action_add": "", "email": "claire@commune.fr"})
    message = mail.outbox[-1]
    assert_site_email(message)
    assert message.subject == "[Entre pairs] Confirmez votre adresse électronique"
    assert re.search(r"https?://\S+/comptes/confirm-email/\S+", message.body)


def test_the_code_to_confirm_one_s_identity_comes_in_a_french_email(member):
    browser = log_in(member)
    browser.post(reverse("account_request_reauthentication_code"), {"recipient": member.email})
    message = mail.outbox[-1]
    assert_site_email(message)
    assert message.subject == "[Entre pairs] Votre code de confirmation"
    page = browser.get(reverse("account_confirm_reauthentication_code"))
    assert_in_site_words(page, "Code reçu par courriel", member.email)


@pytest.mark.parametrize(
    "template",
    [
        "account/email/email_changed",
        "account/email/email_deleted",
        "account/email/password_changed",
        "account/email/password_set",
        "account/email/password_reset",
        "account/email/account_already_exists",
        "mfa/email/totp_activated",
        "mfa/email/totp_deactivated",
        "mfa/email/recovery_codes_generated",
    ],
)
def test_every_other_account_email_is_in_the_site_s_words(rf, member, template):
    request = rf.get("/")
    request.user = member
    context = {
        "user": member,
        "email": member.email,
        "from_email": member.email,
        "to_email": "claire@commune.fr",
        "deleted_email": "ancienne@commune.fr",
        "password_reset_url": "http://testserver/comptes/password/reset/",
        "ip": "192.0.2.7",
        "user_agent": "Mozilla/5.0",
        "timestamp": timezone.now(),
    }
    with allauth_context.request_context(request):
        message = get_adapter().render_mail(template, member.email, context)
    assert_site_email(message)


# --- Sessions: each browser and system in words -------------------------------------------------

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)


@pytest.mark.parametrize(
    ("user_agent", "words"),
    [
        (FIREFOX_WINDOWS, "Firefox sur Windows"),
        (CHROME_ANDROID, "Chrome sur Android"),
        (SAFARI_IPHONE, "Safari sur iPhone"),
        (SAFARI_MAC, "Safari sur macOS"),
        ("", "Navigateur inconnu"),
        ("n'importe quoi", "Navigateur inconnu"),
    ],
)
def test_a_user_agent_reads_as_browser_and_system(user_agent, words):
    assert describe_user_agent(user_agent) == words


def log_in_with(user, user_agent: str) -> Client:
    browser = Client(headers={"user-agent": user_agent})
    response = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_the_sessions_page_names_each_browser_and_marks_this_session(member):
    here = log_in_with(member, FIREFOX_WINDOWS)
    log_in_with(member, CHROME_ANDROID)
    log_in_with(member, "")
    response = here.get(reverse("usersessions_list"))
    assert_in_site_words(response, "Navigateur et système", "Adresse IP", "Connexion")
    rows = [words(row.select_one("th")) for row in html(response).select("tbody tr")]
    assert rows == [
        "Firefox sur Windows Cette session",
        "Chrome sur Android",
        "Navigateur inconnu",
    ]
    assert "Mozilla/5.0" not in text(response)
    current = html(response).select_one("tbody tr[aria-current=true]")
    assert words(current.select_one("th")).startswith("Firefox sur Windows")


def test_the_sessions_page_writes_its_dates_in_french(member, settings):
    settings.USERSESSIONS_TRACK_ACTIVITY = True
    browser = log_in_with(member, FIREFOX_WINDOWS)
    UserSession.objects.filter(user=member).update(
        created_at=datetime(2026, 3, 1, 8, 5, tzinfo=UTC),
        last_seen_at=datetime(2026, 3, 2, 16, 30, tzinfo=UTC),
    )
    response = browser.get(reverse("usersessions_list"))
    assert_in_site_words(
        response, "Dernière activité", "1er mars 2026 à 09:05", "2 mars 2026 à 17:30"
    )
