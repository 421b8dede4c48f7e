"""The site's URLs, plus the baseline of the thread-page benchmark: a view that does nothing.

It lives only in the benchmarks' URLconf (bench/settings.py), never in the site's, and sits behind
the same middleware as every page (session, login required, CSRF...): the ratio of the thread
page to it is the cost of the page itself.
"""

from django.http import HttpResponse
from django.urls import path

from entrepairs.urls import urlpatterns as site_urlpatterns

BARE_PATH = "banc-d-essai/vue-nue/"


def bare_view(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH, bare_view, name="bench_bare"), *site_urlpatterns]
