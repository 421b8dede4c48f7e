from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from wagtail import views as wagtail_views
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError

from clubs import access
from community.action_errors import ActionError
from messaging import selectors as thread_selectors

from . import actions, selectors

# Public page types (landing, legal pages) are served to visitors; the wagtail_hooks module sends
# a visitor to the login page for every other type.
serve_page = login_not_required(wagtail_views.serve)

# The only sizes a guide asks for: no one makes the server compute arbitrary renditions.
IMAGE_SIZES = {"width-800"}


@require_GET
@cache_control(private=True, max_age=3600)
def guide_image(request, pk, size):
    """An image of a guide, for the readers of a guide that shows it (never a /media/ address)."""
    if size not in IMAGE_SIZES:
        raise Http404
    image = get_object_or_404(get_image_model(), pk=pk)
    if not selectors.may_read_guide_media(request.user, image):
        raise Http404
    try:
        rendition = image.get_rendition(size)
    except SourceImageIOError:  # the file was lost: no image, not an error page
        raise Http404 from None
    with rendition.get_willow_image() as willow_image:
        mime_type = willow_image.mime_type
    response = FileResponse(rendition.file.open("rb"), content_type=mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@cache_control(private=True, max_age=3600)
def editor_image_file(request, folder, name):
    """The image files the editor shows (thumbnails, originals) at their storage address under
    /media/, for the people of the editor only: the proxy serves no /media/ location."""
    access.editor_required(request.user)
    path = f"{folder}/{name}"
    storage = get_image_model()._meta.get_field("file").storage
    if ".." in name.split("/") or not storage.exists(path):
        raise Http404
    response = FileResponse(storage.open(path, "rb"))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def promote_thread(request, slug, pk):
    """Staff turn a solved thread into a draft guide, then finish it in the editor."""
    thread, _membership = thread_selectors.thread_for(request.user, slug, pk)
    access.staff_required(request.user)
    if not thread.is_solved:
        raise Http404
    question = thread.posts.select_related("author__profile").order_by("id").first()
    answer = (
        thread.posts.select_related("author__profile").filter(pk=thread.accepted_answer_id).first()
    )
    try:
        guide = actions.promote_thread_to_guide(
            actor=request.user, thread=thread, question=question, answer=answer
        )
    except ActionError as error:
        messages.error(request, str(error))
        return redirect("messaging:thread", thread.club.slug, thread.pk)
    messages.success(
        request, _("Brouillon de guide créé à partir du fil : relisez-le et soumettez-le.")
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[guide.pk]))
