"""Downloads of attachments. A file is served only to a member of its club, and only while its
post is visible (`selectors.attachment_for`, which asks `clubs.access`): anyone else gets the
same 404 as for a file that does not exist.

Files are always offered as downloads, with the content type chosen when they were accepted and
`nosniff`, so that the browser never runs them as a page of the site. Only images are shown
inline (the preview), under a Content-Security-Policy that forbids everything but the image."""

import logging

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from . import selectors

logger = logging.getLogger(__name__)

DOWNLOAD_CSP = "default-src 'none'; sandbox"
PREVIEW_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _open(attachment):
    try:
        return attachment.file.open("rb")
    except (OSError, ValueError):
        # The row exists but the file does not (lost volume, restore without media...): say it
        # in the logs, answer as for a missing file.
        logger.error(
            "Pièce jointe %s : fichier %r introuvable dans le stockage.",
            attachment.pk,
            attachment.file.name,
        )
        raise Http404 from None


def _protect(response: FileResponse, csp: str) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = csp
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_safe
def download(request, slug, pk, name):
    # `name` is only there for the reader's eyes (and the browser's history): the file is found
    # by its id, and offered under its own name whatever the address says.
    attachment = selectors.attachment_for(request.user, slug, pk)
    response = FileResponse(
        _open(attachment),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    return _protect(response, DOWNLOAD_CSP)


@require_safe
def preview(request, slug, pk):
    attachment = selectors.attachment_for(request.user, slug, pk)
    if not attachment.is_image:
        raise Http404
    response = FileResponse(
        _open(attachment),
        as_attachment=False,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    return _protect(response, PREVIEW_CSP)
