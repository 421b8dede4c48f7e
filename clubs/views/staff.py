"""The GIP staff's pages: the list of clubs, creating, editing and archiving one, naming owners."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.action_errors import ActionError
from community.models import User, normalise_email
from community.web import paginate, perform, posted

from .. import access, actions, selectors
from ..forms import ClubForm, OwnerForm
from ..models import Club, Role


def staff_clubs(request):
    access.staff_required(request.user)
    return render(
        request, "clubs/staff/list.html", {"page": paginate(request, selectors.clubs_for_staff())}
    )


def staff_create(request):
    access.staff_required(request.user)
    form = ClubForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            club = actions.create_club(actor=request.user, **form.cleaned_data)
        except ActionError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Club « %(club)s » créé. Nommez maintenant son ou sa propriétaire.")
                % {"club": club.name},
            )
            return redirect("clubs:staff_edit", slug=club.slug)
    return render(request, "clubs/staff/form.html", {"form": form, "club": None})


def staff_edit(request, slug):
    access.staff_required(request.user)
    club = get_object_or_404(Club, slug=slug)
    form = ClubForm(request.POST) if request.method == "POST" else ClubForm.for_club(club)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_club(actor=request.user, club=club, **form.cleaned_data)
        except ActionError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Club « %(club)s » enregistré.") % {"club": club.name})
            return redirect("clubs:staff_edit", slug=club.slug)
    owners = club.memberships.filter(role=Role.OWNER).select_related("user__profile")
    return render(
        request,
        "clubs/staff/form.html",
        {"form": form, "club": club, "owners": owners, "owner_form": OwnerForm()},
    )


@require_POST
def staff_name_owner(request, slug):
    access.staff_required(request.user)
    club = get_object_or_404(Club, slug=slug)
    form = OwnerForm(request.POST)
    user = None
    if form.is_valid():
        user = User.objects.filter(email=normalise_email(form.cleaned_data["owner_email"])).first()
    if user is None:
        messages.error(
            request,
            _(
                "Aucun compte n'a cette adresse. Invitez la personne comme propriétaire depuis "
                "la page des invitations du club."
            ),
        )
    else:
        perform(
            request,
            actions.name_owner,
            _("%(name)s est propriétaire du club.") % {"name": user.display_name},
            actor=request.user,
            club=club,
            user=user,
        )
    return redirect("clubs:staff_edit", slug=club.slug)


def staff_archive(request, slug):
    access.staff_required(request.user)
    club = get_object_or_404(Club, slug=slug)
    if request.method == "POST":
        # The confirmation form says what it asks for: submitted twice (two tabs, a double
        # click), it must not undo itself. Without the field, the club's state is toggled.
        archive = request.POST.get("archive", "0" if club.archived else "1") == "1"
        if not archive:
            perform(
                request,
                actions.unarchive_club,
                _("Club « %(club)s » rouvert.") % {"club": club.name},
                actor=request.user,
                club=club,
            )
        else:
            perform(
                request,
                actions.archive_club,
                _("Club « %(club)s » archivé : son contenu reste lisible par ses membres.")
                % {"club": club.name},
                actor=request.user,
                club=club,
            )
        return redirect(reverse("clubs:staff_list"))
    return render(request, "clubs/staff/confirm_archive.html", {"club": club})
