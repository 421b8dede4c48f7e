"""A member's pages of the clubs: the directory, a club's page (or its public face, with the
join request), its members, joining and leaving."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.web import paginate, perform

from .. import access, actions, selectors
from ..forms import JoinRequestForm
from ..models import JoinRequest, Role


def directory(request):
    return render(
        request,
        "clubs/directory.html",
        {
            "memberships": selectors.my_memberships(request.user),
            "clubs": selectors.clubs_for_directory(request.user),
        },
    )


def detail(request, slug):
    club, membership = access.access_club(request.user, slug)
    context = {
        "club": club,
        "membership": membership,
        "member_count": club.memberships.count(),
        "can_moderate": access.can_manage_members(request.user, membership),
    }
    if membership is None:
        context.update(join_context(request.user, club))
        return render(request, "clubs/club_public.html", context)
    if context["can_moderate"]:
        context["pending_request_count"] = selectors.pending_join_requests(club).count()
    return render(request, "clubs/club_detail.html", context)


def join_context(user, club) -> dict:
    pending = club.join_requests.filter(user=user, status=JoinRequest.Status.PENDING).first()
    return {
        "pending_request": pending,
        "is_banned": access.is_banned(user, club),
        "can_request": access.can_request_to_join(user, club),
        "join_form": JoinRequestForm(),
    }


def members(request, slug):
    club, membership = access.access_club_content(request.user, slug)
    page = paginate(request, selectors.club_members(club))
    rows = [(m, access.member_rights(request.user, membership, m)) for m in page.object_list]
    return render(
        request,
        "clubs/members.html",
        {
            "club": club,
            "membership": membership,
            "page": page,
            "rows": rows,
            "role_choices": Role.choices,
            "can_moderate": access.can_manage_members(request.user, membership),
        },
    )


@require_POST
def request_join(request, slug):
    club, membership = access.access_club(request.user, slug)
    form = JoinRequestForm(request.POST)
    if membership is not None:
        messages.info(request, _("Vous êtes déjà membre de ce club."))
    elif not form.is_valid():
        messages.error(request, _("Votre message est trop long (2 000 caractères au plus)."))
    else:
        perform(
            request,
            actions.request_to_join,
            _("Votre demande a été envoyée à l'équipe de modération du club."),
            user=request.user,
            club=club,
            message=form.cleaned_data["message"],
        )
    return redirect("clubs:detail", slug=club.slug)


@require_POST
def withdraw_request(request, slug):
    club, _membership = access.access_club(request.user, slug)
    join_request = get_object_or_404(
        JoinRequest, club=club, user=request.user, status=JoinRequest.Status.PENDING
    )
    perform(
        request,
        actions.withdraw_join_request,
        _("Votre demande d'adhésion est retirée."),
        user=request.user,
        join_request=join_request,
    )
    return redirect("clubs:detail", slug=club.slug)


def leave(request, slug):
    club, membership = access.access_club_content(request.user, slug)
    if request.method == "POST":
        left = perform(
            request,
            actions.leave_club,
            _("Vous avez quitté le club « %(club)s ».") % {"club": club.name},
            user=request.user,
            club=club,
        )
        return redirect(
            "clubs:directory" if left else "clubs:detail", **({} if left else {"slug": slug})
        )
    return render(request, "clubs/confirm_leave.html", {"club": club, "membership": membership})
