"""Pages of the clubs: directory, club page, membership, moderation, staff management, and the
invitation link. Each view parses, asks `clubs.access`, calls one action, and says what it did."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from community.action_errors import ActionError
from community.models import User, normalise_email
from community.web import paginate, perform, posted

from . import access, actions, selectors
from .actions import InviteOutcome
from .forms import (
    INVITATION_TOKEN_SESSION_KEY,
    INVITED_EMAIL_SESSION_KEY,
    BanForm,
    ClubForm,
    DecisionForm,
    InvitationForm,
    JoinRequestForm,
    OwnerForm,
    RoleForm,
)
from .models import Ban, Club, Invitation, JoinRequest, Membership, Role

# --- Members ------------------------------------------------------------------------------------


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


def render_club_list(request, template, club, membership, rows, **context):
    """A page of one of the club's lists (members, bans, audit log), paginated."""
    context.update(club=club, membership=membership, page=paginate(request, rows))
    return render(request, template, context)


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


# --- Invitation link ----------------------------------------------------------------------------


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


# --- Moderation ---------------------------------------------------------------------------------


def moderation(request, slug):
    club, membership = access.access_club_moderation(request.user, slug)
    return render(
        request,
        "clubs/moderation/overview.html",
        {
            "club": club,
            "membership": membership,
            "join_requests": selectors.pending_join_requests(club),
            "invitation_count": selectors.pending_invitations(club).count(),
            "member_count": club.memberships.count(),
            "ban_count": club.bans.count(),
        },
    )


def invitations(request, slug):
    club, membership = access.access_club_moderation(request.user, slug)
    form = InvitationForm(*posted(request, with_files=True))
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.invite_many(
                actor=request.user, club=club, rows=form.rows(), role=form.cleaned_data["role"]
            )
        except ActionError as error:
            form.add_error(None, error)
        else:
            announce_report(request, report)
            form = InvitationForm()
    return render(
        request,
        "clubs/moderation/invitations.html",
        {
            "club": club,
            "membership": membership,
            "form": form,
            "report": report,
            "page": paginate(request, selectors.open_invitations(club)),
        },
    )


def announce_report(request, report) -> None:
    sent = len(report.with_outcome(InviteOutcome.INVITED)) + len(
        report.with_outcome(InviteOutcome.ALREADY_INVITED)
    )
    skipped = len(report) - sent
    # In French, 0 takes the singular, as 1 does (the msgids are the French text itself).
    message = ngettext(
        "%(sent)d invitation envoyée.", "%(sent)d invitations envoyées.", max(sent, 1)
    ) % {"sent": sent}
    if skipped:
        message += " " + ngettext(
            "%(skipped)d adresse non invitée : voir le détail.",
            "%(skipped)d adresses non invitées : voir le détail.",
            skipped,
        ) % {"skipped": skipped}
    (messages.success if sent else messages.warning)(request, message)


def _club_invitation(request, slug, pk):
    club, _membership = access.access_club_moderation(request.user, slug)
    return club, get_object_or_404(Invitation, pk=pk, club=club)


@require_POST
def invitation_resend(request, slug, pk):
    club, found = _club_invitation(request, slug, pk)
    perform(
        request,
        actions.resend_invitation,
        _("Invitation renvoyée à %(email)s, avec un nouveau lien.") % {"email": found.email},
        actor=request.user,
        invitation=found,
    )
    return redirect("clubs:invitations", slug=club.slug)


@require_POST
def invitation_revoke(request, slug, pk):
    club, found = _club_invitation(request, slug, pk)
    perform(
        request,
        actions.revoke_invitation,
        _("Invitation de %(email)s annulée : son lien ne fonctionne plus.")
        % {"email": found.email},
        actor=request.user,
        invitation=found,
    )
    return redirect("clubs:invitations", slug=club.slug)


@require_POST
def join_request_decide(request, slug, pk):
    club, _membership = access.access_club_moderation(request.user, slug)
    join_request = get_object_or_404(JoinRequest, pk=pk, club=club)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez d'accepter ou de refuser, avec un message court."))
        return redirect("clubs:moderation", slug=club.slug)
    name = join_request.user.display_name
    approve = form.cleaned_data["decision"] == "approve"
    perform(
        request,
        actions.approve_join_request if approve else actions.refuse_join_request,
        (_("%(name)s a rejoint le club.") if approve else _("Demande de %(name)s refusée."))
        % {"name": name},
        actor=request.user,
        join_request=join_request,
        message=form.cleaned_data["message"],
    )
    return redirect("clubs:moderation", slug=club.slug)


def _club_membership(request, slug, pk):
    club, membership = access.access_club_moderation(request.user, slug)
    target = get_object_or_404(Membership.objects.select_related("user__profile"), pk=pk, club=club)
    return club, membership, target


@require_POST
def member_role(request, slug, pk):
    club, _membership, target = _club_membership(request, slug, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle dans la liste."))
    else:
        role = form.cleaned_data["role"]
        perform(
            request,
            actions.change_role,
            _("%(name)s est maintenant %(role)s.")
            % {
                "name": target.user.display_name,
                "role": dict(RoleForm.base_fields["role"].choices)[role],
            },
            actor=request.user,
            membership=target,
            role=role,
        )
    return redirect("clubs:members", slug=club.slug)


def member_remove(request, slug, pk):
    club, membership, target = _club_membership(request, slug, pk)
    if request.method == "POST":
        perform(
            request,
            actions.remove_member,
            _("%(name)s ne fait plus partie du club.") % {"name": target.user.display_name},
            actor=request.user,
            membership=target,
        )
        return redirect("clubs:members", slug=club.slug)
    return render(request, "clubs/moderation/confirm_remove.html", {"club": club, "target": target})


def member_ban(request, slug, pk):
    club, membership, target = _club_membership(request, slug, pk)
    form = BanForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        perform(
            request,
            actions.ban_member,
            _("%(name)s est exclu·e du club.") % {"name": target.user.display_name},
            actor=request.user,
            club=club,
            user=target.user,
            reason=form.cleaned_data["reason"],
        )
        return redirect("clubs:members", slug=club.slug)
    return render(
        request, "clubs/moderation/confirm_ban.html", {"club": club, "target": target, "form": form}
    )


def bans(request, slug):
    club, membership = access.access_club_moderation(request.user, slug)
    return render_club_list(
        request,
        "clubs/moderation/bans.html",
        club,
        membership,
        selectors.club_bans(club),
        moderation_tab="bans",
    )


@require_POST
def unban(request, slug, pk):
    club, _membership = access.access_club_moderation(request.user, slug)
    ban = get_object_or_404(Ban.objects.select_related("user__profile"), pk=pk, club=club)
    perform(
        request,
        actions.unban,
        _("L'exclusion de %(name)s est levée.") % {"name": ban.user.display_name},
        actor=request.user,
        ban=ban,
    )
    return redirect("clubs:bans", slug=club.slug)


def audit_log(request, slug):
    club, membership = access.access_club_moderation(request.user, slug)
    return render_club_list(
        request,
        "clubs/moderation/audit_log.html",
        club,
        membership,
        selectors.audit_log(club),
        moderation_tab="audit",
    )


# --- GIP staff ----------------------------------------------------------------------------------


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
