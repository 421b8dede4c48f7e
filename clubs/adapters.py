"""allauth adapter: signup is closed, except for a person following a valid invitation."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from . import selectors
from .forms import INVITATION_TOKEN_SESSION_KEY, JOINED_CLUB_SESSION_KEY


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        token = request.session.get(INVITATION_TOKEN_SESSION_KEY)
        invitation = selectors.invitation_for_token(token) if token else None
        return invitation is not None and invitation.is_usable

    def get_signup_redirect_url(self, request):
        slug = request.session.pop(JOINED_CLUB_SESSION_KEY, None)
        if slug:
            return reverse("clubs:detail", args=[slug])
        return super().get_signup_redirect_url(request)
