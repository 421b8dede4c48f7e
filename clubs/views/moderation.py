"""The moderators' pages of a club: join requests, invitations (pasted or CSV, with a report per
address), members and their roles, removals and bans, and the audit log."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from community.action_errors import ActionError
from community.web import paginate, perform, posted

from .. import access, actions, selectors
from ..actions import InviteOutcome
from ..forms import BanForm, DecisionForm, InvitationForm, RoleForm
from ..models import Ban, Invitation, JoinRequest, Membership


def render_club_list(request, template, club, membership, rows, **context):
    """A page of one of the club's lists (members, bans, audit log), paginated."""
    context.update(club=club, membership=membership, page=paginate(request, rows))
    return render(request, template, context)


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
    if sent:
        message = ngettext(
            "%(sent)d invitation envoyée.", "%(sent)d invitations envoyées.", sent
        ) % {"sent": sent}
    else:
        message = str(_("Aucune invitation envoyée."))
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
