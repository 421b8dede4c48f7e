from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clubs import access as club_access
from clubs import selectors as club_selectors
from cms.selectors import guide_index, landing_page, recent_guides_for
from community.models import Profile
from messaging import selectors as messaging_selectors

from .health import run_checks


@login_not_required
def home(request):
    """The member's dashboard; the public landing page for a visitor."""
    if not request.user.is_authenticated:
        page = landing_page()
        if page is not None:
            return page.serve(request)
        return render(request, "cms/landing_fallback.html")
    return render(
        request,
        "community/dashboard.html",
        {
            "memberships": club_selectors.my_memberships(request.user),
            "moderation_queue": club_selectors.moderation_queue(request.user),
            "reports_queue": messaging_selectors.clubs_with_pending_reports(request.user),
            "unhandled_reports": messaging_selectors.clubs_with_unhandled_reports(request.user),
            "guides": recent_guides_for(request.user),
            "guide_index": guide_index(),
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )


@login_not_required
def login_elsewhere(request):
    """Send a login page other than the site's own (Wagtail's) to the site's login page."""
    next_url = request.GET.get("next", "")
    return redirect_to_login(next_url or "/", settings.LOGIN_URL)


def profile(request, handle):
    """A member's profile, for the members of the clubs they share (404 for anyone else)."""
    found = Profile.objects.select_related("user").filter(handle=handle).first()
    if found is None or not club_access.shares_a_club(request.user, found.user):
        raise Http404
    shared = club_access.member_clubs(request.user).filter(memberships__user=found.user)
    is_me = found.user_id == request.user.pk
    return render(
        request,
        "community/profile.html",
        {
            "profile": found,
            "shared_clubs": shared,
            "is_me": is_me,
            # What the member chose to show to the people of their clubs (they see all of theirs).
            "show_email": is_me or found.shows_email,
            "show_phone": bool(found.phone) and (is_me or found.shows_phone),
        },
    )
