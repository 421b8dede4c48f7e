"""The whole site is closed: every URL that is not on the public list sends a visitor to login."""

import re
import uuid

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# Views a visitor may reach without an account (by URL name). Anything else must redirect.
PUBLIC_URL_NAMES = {
    "home",  # the landing page for visitors, the dashboard for members
    "healthz",
    "wagtail_serve",  # public page types only; the others redirect (tested in tests/cms)
    "account_login",
    "account_logout",
    "account_signup",  # says that signup is by invitation only
    "account_confirm_email",
    "account_email_verification_sent",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_inactive",
    "account_login_code_confirm",
    "account_request_login_code",
    "account_confirm_login_code",
    "account_confirm_password_reset_code",
    "mfa_authenticate",
    "mfa_login_webauthn",
    "mfa_signup_webauthn",
    "mfa_trust",
    "clubs:invitation",
    "clubs:invitation_signup",
    "clubs:invitation_renewal",
    "notifications:unsubscribe",  # signed one-click unsubscribe link of the emails (RFC 8058)
}

SAMPLE_VALUES = {"int": "1", "str": "exemple", "slug": "exemple", "path": "exemple/chemin"}


def sample_route(route: str) -> str:
    def replace(match):
        converter = match.group(1) or "str"
        if converter == "uuid":
            return str(uuid.uuid4())
        return SAMPLE_VALUES.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?\w+>", replace, route)


def sample_regex(regex: str) -> str:
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    text = re.sub(r"\(\?P<\w+>[^()]*(?:\([^()]*\)[^()]*)*\)", "1", text)
    text = re.sub(r"\((?:\?:)?[^()]*\)[*?]", "", text)
    return text.replace("\\", "")


def iter_urls(patterns, prefix="", namespace=""):
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            piece = sample_route(str(pattern))
        elif isinstance(pattern, RegexPattern):
            piece = sample_regex(pattern._regex)
        else:  # pragma: no cover - Django has only these two
            raise AssertionError(f"unknown pattern type {pattern!r}")
        if isinstance(entry, URLResolver):
            child_ns = namespace
            if entry.namespace:
                child_ns = f"{namespace}{entry.namespace}:"
            yield from iter_urls(entry.url_patterns, prefix + piece, child_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield "/" + prefix + piece, name


ALL_URLS = sorted(set(iter_urls(get_resolver().url_patterns)))


def test_the_url_collection_sees_every_part_of_the_site():
    names = {name for _, name in ALL_URLS}
    assert len(ALL_URLS) > 100
    assert {"home", "account_email", "wagtailadmin_home", "admin:index"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "name"), [u for u in ALL_URLS if u[1] not in PUBLIC_URL_NAMES])
def test_every_non_public_url_redirects_a_visitor_to_the_login_page(client, url, name):
    login_path = resolve_url(settings.LOGIN_URL)
    response = client.get(url)
    for _ in range(3):  # the Django admin goes through its own login view, which redirects on
        if response.status_code != 302 or response["Location"].startswith(login_path):
            break
        response = client.get(response["Location"])
    assert response.status_code == 302, f"{url} ({name}) answered {response.status_code}"
    assert response["Location"].startswith(login_path), f"{url} ({name}) → {response['Location']}"
