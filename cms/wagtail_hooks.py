from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from wagtail import hooks

from . import editorial, selectors
from .models import GuideIndexPage, GuidePage


@hooks.register("before_serve_page")
def members_only_unless_public(page, request, serve_args, serve_kwargs):
    if not request.user.is_authenticated:
        if getattr(page.specific_class, "is_public", False):
            return None
        return redirect_to_login(request.get_full_path())
    # Someone outside a guide's audience gets the same 404 as for a guide that does not exist.
    if isinstance(page, GuidePage) and not selectors.may_read_guide(request.user, page):
        raise Http404
    return None


@hooks.register("before_serve_document")
def guide_documents_follow_the_audience(document, request):
    if not selectors.may_read_guide_media(request.user, document):
        raise Http404


@hooks.register("after_create_page")
def guide_index_gets_the_editorial_workflow(request, page):
    if isinstance(page.specific, GuideIndexPage):
        editorial.attach_to_guide_index(page)
