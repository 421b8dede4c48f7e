"""The site's settings as production runs them, for the benchmarks.

The environment chooses PostgreSQL, Redis and the channel layer as in production (bench/common.py
sets it); on top of that: DEBUG off (no query log, no template debugging), one cheap view
added to the URLs as the baseline of the thread page.
"""

from entrepairs.settings import *  # noqa: F403
from entrepairs.settings import STORAGES

DEBUG = False
ROOT_URLCONF = "bench.urls"

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
