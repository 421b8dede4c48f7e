from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Entre pairs is closed: an account is only ever created from an invitation."""

    def is_open_for_signup(self, request):
        return False
