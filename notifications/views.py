from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from community.models import User
from community.web import answer, wants_json

from . import actions, selectors, tokens
from .forms import PreferencesForm
from .models import Kind


def notification_list(request):
    page = Paginator(selectors.notifications_page_list(request.user), selectors.PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


def open_notification(request, pk):
    """Follow a notification: it is read now, and the member lands on what it is about."""
    notification = selectors.deliverable(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    actions.mark_read(user=request.user, notification=notification)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(notification.url)


@require_POST
def mark_all_read(request):
    changed = actions.mark_all_read(user=request.user)
    if changed or wants_json(request):
        said = _("Toutes vos notifications sont marquées comme lues.")
        return answer(request, done=True, said=said, then="notifications:list", unread=0)
    return redirect("notifications:list")


def unread_count(request):
    """For the page's script, after a reconnection: the header badge's number."""
    return JsonResponse({"unread": selectors.unread_count(request.user)})


def preferences(request):
    preference = selectors.preference_of(request.user)
    form = PreferencesForm(request.POST or None, preference=preference)
    if request.method == "POST":
        if form.is_valid():
            actions.update_preferences(
                user=request.user,
                channels=form.channels(),
                digest_frequency=form.cleaned_data["digest_frequency"],
            )
            messages.success(request, _("Vos préférences sont enregistrées."))
            return redirect("notifications:preferences")
        messages.error(request, _("Certains choix ne sont pas valables : corrigez-les ci-dessous."))
    return render(request, "notifications/preferences.html", {"form": form})


def _unsubscribe_target(token: str) -> tuple[User | None, list[str], str]:
    """The person and kinds a link names, or None and the French reason it cannot be used."""
    try:
        user_id, kinds = tokens.read_token(token)
    except signing.SignatureExpired:
        return (
            None,
            [],
            _(
                "Ce lien de désabonnement a expiré. Connectez-vous pour choisir ce "
                "que vous recevez dans vos préférences."
            ),
        )
    except signing.BadSignature:
        return (
            None,
            [],
            _(
                "Ce lien de désabonnement n'est pas valable (il a peut-être été "
                "coupé). Connectez-vous pour choisir ce que vous recevez."
            ),
        )
    user = User.objects.filter(pk=user_id).first()
    valid = [k for k in kinds if k in Kind.values or k == tokens.DIGEST]
    if user is None or not valid:
        return None, [], _("Ce lien de désabonnement ne correspond à aucun compte.")
    return user, valid, ""


def _labels(kinds: list[str]) -> list[str]:
    return [_("le récapitulatif") if k == tokens.DIGEST else str(Kind(k).label) for k in kinds]


@login_not_required
@csrf_exempt  # RFC 8058: mail clients post the one-click form without a CSRF token
def unsubscribe(request, token):
    """Stop the emails a link names, without logging in: GET asks to confirm, POST does it
    (one-click unsubscribe posts `List-Unsubscribe=One-Click`)."""
    user, kinds, error = _unsubscribe_target(token)
    context = {"error": error, "labels": _labels(kinds), "done": False}
    if user is None:
        return render(request, "notifications/unsubscribe.html", context, status=400)
    if request.method == "POST":
        for kind in kinds:
            if kind == tokens.DIGEST:
                actions.unsubscribe_digest(user=user)
            else:
                actions.unsubscribe_email(user=user, kind=kind)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
