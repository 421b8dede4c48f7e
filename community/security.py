"""Ending sessions: when a session ends (logout, new password, « other sessions » signed out,
account deleted), the live pages it opened close too."""

from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from allauth.usersessions.models import UserSession

from . import after_commit


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
