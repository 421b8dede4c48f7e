"""The security headers: a strict Content-Security-Policy on the site's pages, the relaxed one
only in the two admin areas, and the usual headers everywhere, error pages included."""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from tests.entrepairs.test_entrepairs_settings import run_python

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_site_headers(response):
    for name, value in COMMON_HEADERS.items():
        assert response[name] == value, name
    assert "camera=()" in response["Permissions-Policy"]
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_a_member_page_carries_the_security_headers(member_client):
    response = member_client.get(reverse("home"))
    assert response.status_code == 200
    assert_site_headers(response)


def test_the_public_landing_page_carries_the_security_headers(client, demo_data):
    response = client.get("/")
    assert response.status_code == 200
    assert_site_headers(response)


def test_an_error_page_carries_the_security_headers(member_client):
    response = member_client.get("/nexiste-pas/")
    assert response.status_code == 404
    assert_site_headers(response)


def test_a_form_sent_without_its_token_gets_a_french_page_without_inline_style(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@exemple.fr", "password": "x"})
    assert response.status_code == 403
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Votre envoi n'a pas pu être pris en compte"
    text = " ".join(page.main.get_text(" ").split())
    assert "la page est restée ouverte longtemps" in text
    assert "le navigateur bloque les cookies" in text
    assert "Revenez à la page précédente, rechargez-la, puis recommencez." in text
    assert page.find(style=True) is None and page.find("style") is None
    assert "Forbidden" not in response.content.decode()  # not Django's English page
    assert_site_headers(response)


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        ("http://testserver/compte/", "http://testserver/compte/"),
        ("https://ailleurs.example/piege/", "/"),
        (None, "/"),
    ],
)
def test_the_refused_form_page_links_back_to_the_sites_page_it_came_from(member, referer, back):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    headers = {"referer": referer} if referer else {}
    response = client.post(reverse("account_profile"), {}, headers=headers)
    assert response.status_code == 403
    link = BeautifulSoup(response.content, "html.parser").main.find("a")
    assert link.get_text() == "Revenir à la page précédente"
    assert link["href"] == back


def test_the_login_page_carries_the_security_headers(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert_site_headers(response)


@pytest.mark.parametrize(
    "path,framing", [("/edition/", "SAMEORIGIN"), ("/administration-technique/", "DENY")]
)
def test_the_admin_areas_get_the_relaxed_policy_and_still_refuse_other_origins(
    client, make_user, path, framing
):
    client.force_login(make_user("root@exemple.fr", is_staff=True, is_superuser=True))
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert all(
        source in {"'self'", "'unsafe-inline'", "'unsafe-eval'"} for source in policy["script-src"]
    )
    assert policy["default-src"] == ["'self'"]
    assert response["X-Frame-Options"] == framing


def test_the_site_templates_hold_no_inline_script_handler_or_style():
    """Inline code would be blocked by the policy: it belongs in static/js and static/css.
    (Emails are not pages: their inline styles are what mail readers understand.)"""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style", re.I)
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.rglob("*.html")
        if "email" not in path.parts
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []


def test_cookies_are_http_only_and_same_site_lax(client, member):
    from tests.community.test_community_accounts import PASSWORD

    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    client.get(reverse("account_login"))  # a form page sets the CSRF cookie
    assert client.cookies["csrftoken"]["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["httponly"] is True


def test_behind_the_proxy_plain_http_is_redirected_and_https_gets_hsts(settings, member):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    browser = Client()  # a new client loads the middleware with these settings
    browser.force_login(member)
    plain = browser.get("/", HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = browser.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_production_sets_secure_cookies_hsts_and_the_proxy_header():
    describe = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        "s.SECURE_SSL_REDIRECT, list(s.SECURE_PROXY_SSL_HEADER)]))"
    )
    result = run_python(
        describe,
        DEBUG="0",
        SECRET_KEY="une-cle-de-test-assez-longue-pour-la-production-0123456789-abcdef",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[true, true, 31536000, true, ["HTTP_X_FORWARDED_PROTO", "https"]]'
    )
