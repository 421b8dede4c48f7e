"""The invitation link: join with the invited address, sign up with it, or ask for a new link.
Open to visitors, and rate-limited per address."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.action_errors import ActionError
from community.models import User, normalise_email
from community.web import perform

from .. import actions, selectors
from ..forms import INVITATION_TOKEN_SESSION_KEY, INVITED_EMAIL_SESSION_KEY


def throttle_invitation_links(request):
    """A 429 response when this address follows too many invitation links (GET included)."""
    return ratelimit.consume_or_429(request, action="accept_invitation", limit_get=True)


@login_not_required
def invitation(request, token):
    limited = throttle_invitation_links(request)
    if limited:
        return limited
    found = selectors.invitation_for_token(token)
    context = {"invitation": found, "token": token}
    if found is None or not found.is_usable:
        return render(
            request, "clubs/invitation_unusable.html", context, status=410 if found else 404
        )
    if request.user.is_authenticated:
        context["email_matches"] = normalise_email(request.user.email) == found.email
        if request.method == "POST":
            return accept(request, token)
    else:
        context["has_account"] = User.objects.filter(email=found.email).exists()
    return render(request, "clubs/invitation.html", context)


def accept(request, token):
    try:
        membership = actions.accept_invitation(user=request.user, raw_token=token)
    except ActionError as error:
        messages.error(request, str(error))
        return redirect("clubs:invitation", token=token)
    messages.success(
        request, _("Bienvenue dans le club « %(club)s » !") % {"club": membership.club.name}
    )
    return redirect("clubs:detail", slug=membership.club.slug)


@login_not_required
@require_POST
def invitation_renewal(request, token):
    limited = throttle_invitation_links(request)
    if limited:
        return limited
    perform(
        request,
        actions.ask_for_new_invitation,
        _("Votre demande est transmise à l'équipe de modération du club, qui vous écrira."),
        raw_token=token,
    )
    return redirect("clubs:invitation", token=token)


@login_not_required
def invitation_signup(request, token):
    """Open the signup form for the invited address, then hand over to allauth."""
    found = selectors.invitation_for_token(token)
    if found is None or not found.is_usable:
        return redirect("clubs:invitation", token=token)
    request.session[INVITATION_TOKEN_SESSION_KEY] = token
    request.session[INVITED_EMAIL_SESSION_KEY] = found.email
    # The invitation proves the address: allauth will not ask to verify it again.
    from allauth.account.adapter import get_adapter

    get_adapter(request).stash_verified_email(request, found.email)
    return redirect("account_signup")
