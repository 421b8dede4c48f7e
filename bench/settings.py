"""The site's settings as production runs them, for the benchmarks.

The environment chooses PostgreSQL, Redis and the channel layer as in production (bench/common.py
sets it); on top of that: DEBUG off (no query log, no template debugging), one cheap view
added to the URLs as the baseline of the thread page, and a way for the thread page's
benchmark to empty the post-fragment cache before a request (bench/cold.py).
"""

from entrepairs.settings import *  # noqa: F403
from entrepairs.settings import MIDDLEWARE, STORAGES

DEBUG = False
ROOT_URLCONF = "bench.urls"
# The thread page's cold line: a request may ask for an empty fragment cache (bench/cold.py).
MIDDLEWARE = ["bench.cold.cold_fragments", *MIDDLEWARE]

# Production serves collected static files; here the finders index them once at start-up, and
# the pages' {% static %} tags need no manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
# No collected static files: nothing for whitenoise to index there.
STATIC_ROOT = None  # type: ignore[assignment]  # the project's settings give a folder
