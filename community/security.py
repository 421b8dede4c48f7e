"""Account security: the two-factor QR code drawn inline (the site's policy lets no `data:`
image in), and ending sessions: when a session ends (logout, new password, « other sessions »
signed out, account deleted), the live pages it opened close too."""

import re

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from allauth.usersessions.models import UserSession
from django.utils.html import escape
from django.utils.translation import gettext as _

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
