"""Reports of posts and the moderators' queue. A member reports a post of their club with a
reason; the club's moderators see the open reports, and hide the post or dismiss the report,
with a note sent to the person who reported it. Each view parses, asks `clubs.access` (through
the selectors), calls one action, and says in a message what it did."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clubs import access
from community.action_errors import ActionError
from community.web import paginate, posted

from . import actions, selectors
from .forms import ReportForm, ResolutionForm
from .models import Report

DECISIONS = {"hide": True, "dismiss": False}


def _permalink(slug: str, post) -> str:
    return reverse("messaging:post", args=[slug, post.pk])


def _moderated_club(request, slug):
    """The club whose reports the user handles (`clubs.access.access_club_reports`)."""
    return access.access_club_reports(request.user, slug)


# --- Members ------------------------------------------------------------------------------------


def report_post(request, slug, pk):
    post, _rights = selectors.post_for(request.user, slug, pk)
    club = post.thread.club
    if not post.is_visible:
        messages.info(request, _("Ce message a été supprimé ou masqué : il n'y a rien à signaler."))
        return redirect(_permalink(slug, post))
    # Reporting one's own post, or a post one has already reported, is refused: the page says
    # why instead of showing the form (and the action refuses a POST all the same).
    if post.author_id == request.user.pk:
        refusal = _("Vous ne pouvez pas signaler votre propre message.")
    elif Report.objects.filter(
        post=post, reporter=request.user, status=Report.Status.OPEN
    ).exists():
        refusal = _("Vous avez déjà signalé ce message ; la modération va le regarder.")
    else:
        refusal = ""
    if refusal and request.method == "POST":
        messages.error(request, refusal)
        return redirect(_permalink(slug, post))

    form = ReportForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.report_post(
                reporter=request.user, post=post, reason=form.cleaned_data["reason"]
            )
        except ActionError as error:
            if error.code in ("reason_required", "reason_too_long"):
                form.add_error("reason", error)
            else:
                messages.error(request, str(error))
                return redirect(_permalink(slug, post))
        else:
            messages.success(request, _("Merci : la modération du club va regarder ce message."))
            return redirect(_permalink(slug, post))
    return render(
        request,
        "messaging/report_form.html",
        {
            "club": club,
            "post": post,
            "thread": post.thread,
            "form": form,
            "refusal": refusal,
            "back_url": _permalink(slug, post),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Moderators ---------------------------------------------------------------------------------


def reports_queue(request, slug):
    club, membership = _moderated_club(request, slug)
    page = paginate(request, selectors.open_reports(club))
    # A report on the moderator's own post is shown without the form: another moderator decides.
    rows = [
        (
            report,
            ResolutionForm(prefix=f"signalement-{report.pk}")
            if access.thread_rights(request.user, membership, report.post.thread).may_moderate_post(
                report.post.author_id
            )
            else None,
        )
        for report in page.object_list
    ]
    return render(
        request,
        "messaging/reports_queue.html",
        {
            "club": club,
            "membership": membership,
            "can_moderate": True,
            "page": page,
            "rows": rows,
        },
    )


@require_POST
def resolve_report(request, slug, pk):
    club, _membership = _moderated_club(request, slug)
    report = (
        Report.objects.filter(pk=pk, post__thread__club=club)
        .select_related("post__thread__club", "reporter__profile")
        .first()
    )
    if report is None:
        raise Http404
    queue_url = reverse("messaging:reports", args=[club.slug])
    page = request.POST.get("page", "")
    if page.isdigit() and page != "1":
        queue_url += f"?page={page}"

    decision = request.POST.get("decision")
    form = ResolutionForm(request.POST, prefix=f"signalement-{report.pk}")
    if decision not in DECISIONS:
        messages.error(request, _("Choisissez de masquer le message ou de classer le signalement."))
        return redirect(queue_url)
    if not form.is_valid():
        messages.error(
            request,
            _("Le motif et la note font chacun 500 caractères au plus : raccourcissez-les."),
        )
        return redirect(queue_url)
    hide = DECISIONS[decision]
    open_before = Report.objects.filter(post=report.post, status=Report.Status.OPEN).count()
    try:
        actions.resolve_report(
            moderator=request.user,
            report=report,
            hide=hide,
            public_reason=form.cleaned_data["public_reason"],
            note=form.cleaned_data["note"],
        )
    except ActionError as error:
        messages.error(request, str(error))
        return redirect(queue_url)
    if hide and open_before > 1:
        messages.success(
            request,
            _(
                "Le message est masqué. Les %(count)d signalements qui le visaient sont traités "
                "et les personnes qui l'ont signalé en sont averties."
            )
            % {"count": open_before},
        )
    elif hide:
        messages.success(
            request,
            _("Le message est masqué ; la personne qui l'a signalé en est avertie."),
        )
    else:
        messages.success(
            request,
            _(
                "Signalement classé sans suite : le message reste visible ; la personne qui l'a "
                "signalé en est avertie."
            ),
        )
    return redirect(queue_url)
