"""What the message composer asks the server while a member writes: the preview of their
Markdown, rendered by the site's own renderer and sanitiser, and the club members they may
mention. Both answer members of the club only (a non-member gets the 404 of a missing club),
in JSON."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clubs import access
from clubs.models import Club
from community.ratelimit import within_rate

from . import actions, selectors

#: Previews a member may ask for a minute: one a keystroke pause is far below it.
PREVIEWS_PER_MINUTE = 120


def _preview_of(request, club: Club) -> JsonResponse:
    source = request.POST.get("source", "")
    if len(source) > actions.MAX_POST_LENGTH:
        message = _("Le message est trop long (%(max)d caractères au plus).")
        return JsonResponse({"error": message % {"max": actions.MAX_POST_LENGTH}}, status=400)
    if not within_rate(f"preview:{request.user.pk}", PREVIEWS_PER_MINUTE):
        message = _("Trop d'aperçus demandés en peu de temps : patientez une minute.")
        return JsonResponse({"error": message}, status=429)
    if not source.strip():
        return JsonResponse({"html": "", "empty": _("Rien à prévisualiser : le message est vide.")})
    return JsonResponse({"html": actions.preview(club=club, source=source)})


@require_POST
def preview(request, slug):
    """A new thread or an edited post: the member may write in the club."""
    club, membership = access.access_club_content(request.user, slug)
    if not access.can_post(membership, club):
        raise PermissionDenied
    return _preview_of(request, club)


@require_POST
def thread_preview(request, slug, pk):
    """A reply: the member may reply in this thread (a locked one: its moderators)."""
    thread, rights = selectors.thread_for(request.user, slug, pk)
    rights.require("post")
    return _preview_of(request, thread.club)


@require_GET
def mentions(request, slug):
    """The club's members whose handle or name matches ?q=, for the « @ » completion."""
    club, _membership = access.access_club_content(request.user, slug)
    found = selectors.mention_candidates(club, request.user, request.GET.get("q", ""))
    members = [{"handle": p.handle, "name": p.user.display_name} for p in found]
    return JsonResponse({"members": members})
