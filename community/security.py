"""Account security: the two-factor QR code drawn inline (the site's policy lets no `data:`
image in), each session's browser and system said in words, and ending sessions: when a session
ends (logout, new password, « other sessions » signed out, account deleted), the live pages it
opened close too."""

import re
from functools import lru_cache

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from allauth.usersessions.models import UserSession
from django.utils.html import escape
from django.utils.translation import gettext as _
from ua_parser import parse as parse_user_agent

from . import after_commit


class MFAAdapter(DefaultMFAAdapter):
    """allauth's two-factor setup, with its QR code as `<svg>` markup to put in the page itself:
    the page's Content-Security-Policy (`img-src 'self'`) blocks allauth's `data:` image, an
    inline `<svg>` is part of the document and is not an image load."""

    def build_totp_svg(self, url: str) -> str:
        return inline_svg(
            super().build_totp_svg(url),
            label=_("Code QR à scanner avec votre application d'authentification"),
            css_class="qr-code__image",
        )


def inline_svg(document: str, *, label: str, css_class: str) -> str:
    """An SVG document as markup for an HTML page: without its XML prolog, without a fixed
    size (the stylesheet sizes it), named for screen readers (role="img" + aria-label)."""
    start = document.index("<svg")
    svg = document[start:].strip()
    opening, rest = svg.split(">", 1)
    opening = re.sub(r'\s(width|height)="[^"]*"', "", opening)
    attributes = f' role="img" aria-label="{escape(label)}" class="{escape(css_class)}"'
    return f"{opening}{attributes}>{rest}"


# ua-parser's names, as a member knows them: the mobile or headless build of a browser is
# the browser itself, Apple's systems go by their current names.
BROWSER_NAMES = {
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Chrome",
    "HeadlessChrome": "Chrome",
    "Chromium": "Chromium",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
}
SYSTEM_NAMES = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS"}
APPLE_DEVICES = ("iPhone", "iPad", "iPod")


@lru_cache(maxsize=256)
def describe_user_agent(user_agent: str) -> str:
    """A session's browser and system in words: « Firefox sur Windows », « Chrome sur
    Android », « Safari sur iPhone »; « Navigateur inconnu » when the browser cannot be told."""
    parsed = parse_user_agent(user_agent or "")
    browser = parsed.user_agent.family if parsed.user_agent else "Other"
    browser = BROWSER_NAMES.get(browser, browser)
    system = parsed.os.family if parsed.os else "Other"
    if system == "iOS" and parsed.device and parsed.device.family in APPLE_DEVICES:
        system = parsed.device.family
    system = SYSTEM_NAMES.get(system, system)
    if browser == "Other":
        browser = _("Navigateur inconnu")
    if system == "Other":
        return browser
    return _("%(browser)s sur %(system)s") % {"browser": browser, "system": system}


def close_pages_of_session(user_id: int, session_key: str | None) -> None:
    """After commit, the live pages (websockets) opened by this session close."""
    after_commit.tell_pages([user_id], after_commit.SESSION_ENDED, session_key=session_key or "")


def end_sessions(sessions) -> None:
    """End these sessions and close the live pages (websockets) opened by them."""
    for session in sessions:
        close_pages_of_session(session.user_id, session.session_key)
        session.end()


def end_other_sessions(user, *, keep_session_key: str | None) -> None:
    others = UserSession.objects.filter(user_id=user.pk).exclude(session_key=keep_session_key)
    end_sessions(list(others))


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """allauth's "sign out other sessions" closes their websockets as well."""

    def end_sessions(self, sessions) -> None:
        end_sessions(sessions)
