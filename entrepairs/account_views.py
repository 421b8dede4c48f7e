"""The member's own pages: « Mon profil », the directory of the people of their clubs, their
data (download, deletion). allauth serves the email, password, two-factor and sessions pages
inside the same « Mon compte » layout (templates/allauth/layouts/manage.html)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clubs import access as club_access
from community import actions
from community.action_errors import ActionError
from community.forms import ProfileForm
from community.models import Profile
from community.web import paginate, posted

from . import account_deletion, personal_data, selectors
from .forms import DeleteAccountForm, DirectoryFilterForm

DIRECTORY_PAGE_SIZE = 30


def edit_profile(request):
    form = ProfileForm(*posted(request, with_files=True), instance=request.user.profile)
    if form.is_valid():
        actions.update_profile(user=request.user, form=form)
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("account_profile")
    return render(request, "community/account/profile_form.html", {"form": form})


@require_safe
def avatar(request, handle):
    """A member's photo, for the people who may see their profile (404 for anyone else)."""
    found = Profile.objects.select_related("user").filter(handle=handle).first()
    if found is None or not found.avatar or not club_access.shares_a_club(request.user, found.user):
        raise Http404
    try:
        picture = found.avatar.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(picture, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def directory(request):
    my_clubs = club_access.member_clubs(request.user).order_by("name")
    form = DirectoryFilterForm(request.GET or None, clubs=my_clubs)
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.directory(
        request.user,
        club=my_clubs.filter(slug=filters.get("club") or "").first(),
        role=filters.get("role", ""),
        departement=filters.get("departement", ""),
        organisation=filters.get("organisation", ""),
        name=filters.get("q", ""),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "community/directory.html",
        {
            "form": form,
            "page": paginate(request, people, DIRECTORY_PAGE_SIZE),
            "query": query.urlencode(),
            "filtered": any(filters.values()),
            "has_clubs": my_clubs.exists(),
        },
    )


def my_data(request):
    return render(request, "community/account/my_data.html")


@require_POST
def download_my_data(request):
    archive = personal_data.build_archive(request.user)
    name = f"entre-pairs-mes-donnees-{timezone.localdate():%Y-%m-%d}.zip"
    response = FileResponse(
        archive, as_attachment=True, filename=name, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def delete_account(request):
    user = request.user
    form = DeleteAccountForm(*posted(request), user=user)
    blocking = account_deletion.clubs_left_without_owner(user)
    if form.is_valid() and not blocking:
        try:
            account_deletion.delete_account(
                user=user, erase_posts=form.cleaned_data["posts"] == DeleteAccountForm.Posts.ERASE
            )
        except ActionError as error:
            form.add_error(None, error)
        else:
            # The account is gone: forget this session without the logout signal (no one to
            # log out; the action already closed every page).
            request.session.flush()
            messages.success(request, _("Votre compte est supprimé. Merci d'avoir participé."))
            return redirect("account_login")
    return render(
        request, "community/account/delete.html", {"form": form, "blocking_clubs": blocking}
    )
