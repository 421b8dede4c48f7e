"""The pages shown when a request fails: on the server (below), or because a form came without
its security token (`csrf_failure`).

A lost database (restarted, unreachable, its connections cut) is not a bug of the site: the
reader gets a 503 « service momentanément indisponible » page, which tells them to retry, and the
proxy and the monitoring see a 503 rather than a 500. The next request opens a new connection,
so the site recovers by itself once the database is back. Every other failure gets the 500 page.
Neither page touches the database: they are rendered without the request's context.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


@requires_csrf_token
def server_error(request):
    """`handler500`: Django calls it while handling the exception, so it is still current."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        response = HttpResponseServerError(loader.get_template("503.html").render())
        response.status_code = 503
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    """`CSRF_FAILURE_VIEW`: a form arrived without a valid security token, most often from a page
    left open for long (its token is from an ended session) or a browser that blocks cookies. The
    reader is told so in French, in the site's page, with a link back to the form's page."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("home")
    return render(request, "403_csrf.html", {"back_url": back}, status=403)
