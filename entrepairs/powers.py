"""The way to two-factor setup when a power needs it.

Which actions use a power, and whether that power needs a second factor first, is decided where
the power is granted, in `clubs.access` (`use_power`): this module only turns its refusal
(`SecondFactorRequired`) into the way to set up two-factor authentication, for every view, and
puts the editor's pages, which Wagtail owns, behind the same rule.
"""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clubs import access

SECOND_FACTOR_FIRST = gettext_noop(
    "Pour utiliser vos droits de modération ou de l'équipe du GIP, activez d'abord "
    "la double authentification : une application d'authentification vous donnera "
    "un code à chaque connexion."
)


class RequireMfaForPowersMiddleware:
    """A power refused for want of a second factor sends its holder to set one up: nothing was
    done (the refusal comes before any write, and the action's transaction is undone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, access.SecondFactorRequired):
            return None
        messages.warning(request, _(SECOND_FACTOR_FIRST))
        return redirect("mfa_activate_totp")


#: Wagtail serves these under the editor's path to anyone: its icons and its translations.
EDITOR_ASSETS = frozenset({"wagtailadmin_sprite", "wagtailadmin_javascript_catalog"})


def editor_power(view):
    """Wagtail's editor is one power (`clubs.access.may_use_editor`): every one of its pages
    uses it. Someone without it is refused by Wagtail itself, as before."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        is_asset = request.resolver_match.url_name in EDITOR_ASSETS
        if not is_asset and access.may_use_editor(request.user):
            access.use_power(request.user)
        return view(request, *args, **kwargs)

    return gated
