"""« Mon compte »: email change (verified again), password change, two-factor authentication,
active sessions and « log out everywhere », and two-factor authentication before powers."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.core import mail
from django.test import Client
from django.urls import reverse
from pages import html, text

from messaging.models import Thread

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide-42"


def log_in(user, password=PASSWORD) -> Client:
    """A browser that logged in through the login page (as allauth records a real login)."""
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return browser


def confirm_password(browser: Client) -> None:
    """Sensitive pages (two-factor authentication) ask for the password again first."""
    response = browser.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


# --- Email and password -------------------------------------------------------------------------


def test_a_new_email_replaces_the_old_one_only_once_confirmed(member, run_on_commit):
    browser = log_in(member)
    with run_on_commit():
        response = browser.post(
            reverse("account_email"), {"action_add": "", "email": "claire@nouvelle-mairie.fr"}
        )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == "membre@mairie.fr"  # not yet: the new address must be confirmed
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["claire@nouvelle-mairie.fr"]
    link = re.search(r"https?://\S+/comptes/confirm-email/\S+", confirmation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    browser.post("/" + path)
    member.refresh_from_db()
    assert member.email == "claire@nouvelle-mairie.fr"
    assert list(EmailAddress.objects.filter(user=member).values_list("email", "verified")) == [
        ("claire@nouvelle-mairie.fr", True)
    ]


def test_the_email_page_renders_in_the_account_area_in_french(member):
    response = log_in(member).get(reverse("account_email"))
    page = html(response)
    assert page.select_one("nav.account-nav") is not None
    assert page.select_one("nav.account-nav a[aria-current=page]").get_text() == (
        "Adresse électronique"
    )
    assert "Adresse e-mail" in text(response) or "Adresse électronique" in text(response)


def test_a_password_change_keeps_this_session_and_ends_the_others(member):
    here, elsewhere = log_in(member), log_in(member)
    assert UserSession.objects.filter(user=member).count() == 2
    response = here.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "un-tout-nouveau-secret-7",
            "password2": "un-tout-nouveau-secret-7",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("account_profile")).status_code == 200
    assert elsewhere.get(reverse("account_profile")).status_code == 302
    assert list(UserSession.objects.filter(user=member).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]


def test_a_wrong_current_password_changes_nothing(member):
    browser = log_in(member)
    response = browser.post(
        reverse("account_change_password"),
        {
            "oldpassword": "pas-le-bon",
            "password1": "un-tout-nouveau-secret-7",
            "password2": "un-tout-nouveau-secret-7",
        },
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


# --- Sessions -----------------------------------------------------------------------------------


def test_the_sessions_page_lists_each_login(member):
    browser = log_in(member)
    log_in(member)
    response = browser.get(reverse("usersessions_list"))
    assert response.status_code == 200
    assert len(html(response).select("tbody tr")) == 2


def test_with_one_session_there_is_nothing_to_log_out_elsewhere(member):
    response = log_in(member).get(reverse("usersessions_list"))
    assert "Votre compte n'est connecté nulle part ailleurs." in text(response)


def test_log_out_everywhere_ends_every_other_session(member, author):
    here, phone, office = log_in(member), log_in(member), log_in(member)
    theirs = log_in(author)
    page = here.get(reverse("usersessions_list"))
    assert "Se déconnecter partout ailleurs" in text(page)
    response = here.post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert here.get(reverse("account_profile")).status_code == 200
    assert phone.get(reverse("account_profile")).status_code == 302
    assert office.get(reverse("account_profile")).status_code == 302
    assert theirs.get(reverse("account_profile")).status_code == 200


# --- Two-factor authentication ------------------------------------------------------------------


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_a_member_turns_on_totp_with_a_code_from_their_app(member):
    browser = log_in(member)
    confirm_password(browser)
    page = browser.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert page.context["form"].secret
    secret = browser.session["mfa.totp.secret"]
    response = browser.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert is_mfa_enabled(member, [Authenticator.Type.TOTP])
    # Recovery codes come with it.
    assert Authenticator.objects.filter(
        user=member, type=Authenticator.Type.RECOVERY_CODES
    ).exists()


def test_a_wrong_code_does_not_turn_on_totp(member):
    browser = log_in(member)
    confirm_password(browser)
    browser.get(reverse("mfa_activate_totp"))
    response = browser.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    assert not is_mfa_enabled(member)


def test_with_totp_the_login_asks_for_a_code(member):
    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert browser.get(reverse("account_profile")).status_code == 302  # not logged in yet
    browser.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert browser.get(reverse("account_profile")).status_code == 200


def test_the_two_factor_pages_render_in_the_account_area(member):
    browser = log_in(member)
    confirm_password(browser)
    for name in ("mfa_index", "mfa_activate_totp"):
        page = html(browser.get(reverse(name)))
        assert page.select_one("nav.account-nav") is not None
        assert page.html["lang"] == "fr"


# --- Two-factor authentication before powers ----------------------------------------------------


@pytest.fixture
def mfa_required(settings):
    settings.REQUIRE_MFA_FOR_POWERS = True


def with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def assert_sent_to_mfa_setup(response):
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.usefixtures("mfa_required")
class TestPowersNeedTwoFactor:
    def test_a_moderator_without_it_is_sent_to_turn_it_on(self, moderator, club, client_for):
        browser = client_for(moderator)
        response = browser.get(reverse("clubs:moderation", args=[club.slug]))
        assert_sent_to_mfa_setup(response)
        page = browser.get(response["Location"], follow=True)
        assert "activez d'abord la double authentification" in text(page)

    def test_a_moderator_action_is_not_done_without_it(
        self, moderator, club, make_thread, author, client_for
    ):
        thread = make_thread(club, author)
        response = client_for(moderator).post(reverse("messaging:pin", args=[club.slug, thread.pk]))
        assert_sent_to_mfa_setup(response)
        assert not Thread.objects.get(pk=thread.pk).pinned

    def test_a_moderator_with_it_uses_their_powers(self, moderator, club, client_for):
        with_totp(moderator)
        assert (
            client_for(moderator).get(reverse("clubs:moderation", args=[club.slug])).status_code
            == 200
        )

    def test_an_owner_without_it_is_sent_to_turn_it_on(self, owner, club, client_for):
        response = client_for(owner).get(reverse("messaging:reports", args=[club.slug]))
        assert_sent_to_mfa_setup(response)

    def test_a_plain_member_still_gets_403_not_a_detour(self, member, club, client_for):
        assert (
            client_for(member).get(reverse("clubs:moderation", args=[club.slug])).status_code == 403
        )

    def test_a_moderator_elsewhere_still_gets_404(self, other_club_member, club, client_for):
        response = client_for(other_club_member).get(reverse("clubs:moderation", args=[club.slug]))
        assert response.status_code == 404

    def test_a_member_reads_and_writes_without_it(self, member, club, client_for):
        assert client_for(member).get(reverse("clubs:detail", args=[club.slug])).status_code == 200

    @pytest.mark.parametrize(
        "url", [reverse("clubs:staff_list"), "/edition/", "/administration-technique/"]
    )
    def test_staff_without_it_are_sent_to_turn_it_on(self, url, make_user, client_for):
        admin = make_user("admin@gip.fr", is_staff=True, is_superuser=True)
        assert_sent_to_mfa_setup(client_for(admin).get(url))

    def test_staff_with_it_use_their_powers(self, staff, client_for):
        with_totp(staff)
        assert client_for(staff).get(reverse("clubs:staff_list")).status_code == 200

    def test_the_rule_can_be_turned_off(self, moderator, club, client_for, settings):
        settings.REQUIRE_MFA_FOR_POWERS = False
        assert (
            client_for(moderator).get(reverse("clubs:moderation", args=[club.slug])).status_code
            == 200
        )
