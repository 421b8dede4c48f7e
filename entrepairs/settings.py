"""Settings of Entre pairs.

With no environment variable at all, the site runs embedded: SQLite, the in-memory channel layer,
a local-memory cache, emails printed on the console and background tasks run immediately.
Production is chosen by environment variables (see the README's table).
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DEBUG = env_flag("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY est obligatoire quand DEBUG=0 : définissez la variable d'environnement "
            "SECRET_KEY (au moins 50 caractères aléatoires) avant de démarrer Entre pairs."
        )
    SECRET_KEY = "entre-pairs-development-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Without SITE_URL, the links of emails follow the port `make run` serves on (`PORT=8080 make run`).
SITE_URL = os.environ.get(
    "SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
).rstrip("/")
# The peers whose X-Forwarded-For and X-Forwarded-Proto are believed (entrepairs/proxy.py):
# addresses or networks, comma-separated; set but empty, none. The default, loopback, is the
# nginx of deploy/ on the same machine; with no proxy (`make run`), only a program of this
# machine could claim another address, and no other peer is ever believed.
TRUSTED_PROXIES = [
    entry.strip()
    for entry in os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
    if entry.strip()
]

INSTALLED_APPS = [
    # daphne first, so that runserver serves HTTP and websockets through ASGI.
    "daphne",
    "community",
    "clubs",
    "messaging",
    "notifications",
    "cms",
    "search",
    "entrepairs",
    "entrepairs.admin_config.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.typed_table_block",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "entrepairs.middleware.ContentSecurityPolicyMiddleware",
    "entrepairs.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "entrepairs.middleware.EditorPreviewFramingMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff and moderators turn on two-factor authentication before they use their powers.
    "entrepairs.powers.RequireMfaForPowersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "entrepairs.urls"
ASGI_APPLICATION = "entrepairs.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "entrepairs.context_processors.site",
                "clubs.context_processors.my_clubs",
                "messaging.context_processors.live",
                "notifications.context_processors.unread_notifications",
            ],
            # Every page writes long dates the French way (« 1er décembre 2026 »).
            "builtins": ["community.templatetags.french_dates"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several daphne threads write at once: wait for the lock rather than fail at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache -------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Sites sharing one Redis keep apart by prefix. Test workers running side by side
# (pytest-xdist names each one) take one each, so they never share a group or a cached key.
REDIS_PREFIX = os.environ.get("REDIS_PREFIX", "entrepairs") + os.environ.get(
    "PYTEST_XDIST_WORKER", ""
)
# With Redis: "pubsub" (RedisPubSubChannelLayer, the default: one PUBLISH per event and one
# connection per process) or "core" (RedisChannelLayer), docs/realtime.md.
CHANNEL_LAYER_BACKENDS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}
CHANNEL_LAYER = os.environ.get("CHANNEL_LAYER", "pubsub").strip() or "pubsub"
if CHANNEL_LAYER not in CHANNEL_LAYER_BACKENDS:
    raise ImproperlyConfigured(
        f"CHANNEL_LAYER={CHANNEL_LAYER!r} : valeurs possibles « core » ou « pubsub »."
    )
# The core layer queues every message for one daphne process in a single Redis key, dropped
# beyond its capacity (100 by default, logged at INFO by channels_redis): a reply with a hundred
# followers online is a hundred badge messages at once. The key empties as fast as the process
# reads it, and its messages expire after 60 s.
CHANNEL_CAPACITY = int(os.environ.get("CHANNEL_CAPACITY", "10000"))
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": CHANNEL_LAYER_BACKENDS[CHANNEL_LAYER],
            "CONFIG": {"hosts": [REDIS_URL], "prefix": REDIS_PREFIX}
            | ({"capacity": CHANNEL_CAPACITY} if CHANNEL_LAYER == "core" else {}),
        }
    }
    CACHES = {
        "default": {
            # Fails soft: pages keep answering while Redis is out of reach (community/cache.py).
            "BACKEND": "community.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{REDIS_PREFIX}-cache",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The footer's legal links, kept in the cache this long at most (cms.selectors.legal_links;
# forgotten at once when a legal page changes). 0: read from the page tree for each page (the
# test suite's query counts).
LEGAL_LINKS_CACHE_SECONDS = 3600

# The header's unread counts per club, kept per process and member, keyed by the clubs' stream
# numbers and the member's read positions (messaging.context_processors.unread_by_club). Off
# only in the test suite's query counts, so that they do not depend on the requests before.
UNREAD_COUNTS_KEPT = True

# --- Background tasks ---------------------------------------------------------------------------
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database" if not DEBUG else "immediate")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# --- Email --------------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Entre pairs <ne-pas-repondre@entrepairs.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "community.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "clubs.adapters.AccountAdapter"
# allauth's forms in the site's words (community.forms.SiteWords).
ACCOUNT_FORMS = {
    "login": "community.forms.LoginForm",
    "signup": "clubs.forms.InvitationSignupForm",
    "add_email": "community.forms.AddEmailForm",
    "change_password": "community.forms.ChangePasswordForm",
    "set_password": "community.forms.SetPasswordForm",
    "reset_password": "community.forms.ResetPasswordForm",
    "reset_password_from_key": "community.forms.ResetPasswordKeyForm",
    "reauthenticate": "community.forms.ReauthenticateForm",
    "confirm_reauthentication_code": "community.forms.ConfirmReauthenticationCodeForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per account: a new one replaces the old once its owner confirms it by email.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# The member stays logged in where they changed it; every other session ends (and its live
# pages close: community.signals).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Entre pairs] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    # Entre pairs: following invitation links (guessing tokens is hopeless, but say no early).
    "accept_invitation": "30/m/ip",
}
# allauth's limits per address read REMOTE_ADDR, which entrepairs.proxy has set from the word of a
# trusted proxy (and of nobody else): said here, so that allauth never reads a forwarding header
# on its own and every limit per address counts the same client.
ALLAUTH_TRUSTED_PROXY_COUNT = 0
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Entre pairs"
# The QR code of the two-factor setup is drawn inline in the page (no `data:` image).
MFA_ADAPTER = "community.security.MFAAdapter"
MFA_FORMS = {
    "activate_totp": "community.forms.ActivateTOTPForm",
    "authenticate": "community.forms.AuthenticateForm",
    "reauthenticate": "community.forms.MFAReauthenticateForm",
}
# Sessions are listed from their login (not updated at every request); ending them also closes
# their live pages (community.security).
USERSESSIONS_TRACK_ACTIVITY = False
USERSESSIONS_ADAPTER = "community.security.UserSessionsAdapter"

# --- Wagtail ------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Entre pairs"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents of guides are private: always served by Wagtail's view, which asks cms.wagtail_hooks
# whether the reader may see it (never a public /media/ address).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Staff avatars are not fetched from gravatar.com: no third party learns who edits the guides.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development whitenoise serves straight from the source folders: no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "entrepairs.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The site's pages run only the project's own files: no inline script or style, nothing from
# another origin. `connect-src 'self'` covers the live websocket (same host, ws: or wss:).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Wagtail's editor and Django's admin are third-party pages written with inline scripts and
# styles (and, for some of Wagtail's choosers, eval); they get this relaxed policy, which still
# forbids other origins. Chosen by path in entrepairs.middleware.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY_ADMIN_PREFIXES = ("/edition/", "/administration-technique/")
CONTENT_SECURITY_POLICY_ADMIN = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}
# Browser features the site never uses are switched off for every page.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), magnetometer=(), "
    "gyroscope=(), accelerometer=()"
)
if not DEBUG:
    # Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto (which reaches Django
    # only from TRUSTED_PROXIES: entrepairs.proxy drops it from any other peer).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        name: {"level": os.environ.get("LOG_LEVEL", "INFO")}
        for name in ("community", "clubs", "messaging", "notifications", "cms")
    }
    # Messages dropped for want of capacity are logged at INFO: they must be seen.
    | {"channels_redis": {"level": "INFO"}},
}

# --- Entre pairs --------------------------------------------------------------------------------
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "entrepairs-demo")
INVITATION_TTL_DAYS = int(os.environ.get("INVITATION_TTL_DAYS", "14"))
HEALTHCHECK_TIMEOUT = float(os.environ.get("HEALTHCHECK_TIMEOUT", "2"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# ClamAV's daemon scans every upload when one of these is set (messaging/antivirus.py). Its
# StreamMaxLength must be at least ATTACHMENT_MAX_BYTES. Unreachable: uploads are refused
# ("réessayez plus tard") unless CLAMD_FAIL_OPEN=1.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = int(os.environ.get("CLAMD_PORT", "3310"))
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", "30"))
CLAMD_FAIL_OPEN = env_flag("CLAMD_FAIL_OPEN", False)

# --- Live layer ---------------------------------------------------------------------------------
LIVE_MAX_FRAME_BYTES = 64 * 1024
POSTS_PER_MINUTE = int(os.environ.get("POSTS_PER_MINUTE", "20"))
# A catch-up longer than a page of events, or than this many bytes of frames, is a "resync":
# the page reloads its data over HTTP (community/event_log.py).
LIVE_CATCH_UP_MAX = int(os.environ.get("LIVE_CATCH_UP_MAX", "50"))
LIVE_CATCH_UP_MAX_BYTES = int(os.environ.get("LIVE_CATCH_UP_MAX_BYTES", str(256 * 1024)))
LIVE_TYPING_INTERVAL = 2.0  # seconds between two "typing" frames of one page for one thread
EVENT_RETENTION_DAYS = int(os.environ.get("EVENT_RETENTION_DAYS", "7"))

# --- Members: security and personal data --------------------------------------------------------
REQUIRE_MFA_FOR_POWERS = env_flag("REQUIRE_MFA_FOR_POWERS", True)
AVATAR_MAX_BYTES = int(os.environ.get("AVATAR_MAX_BYTES", str(5 * 1024 * 1024)))
AVATAR_SIZE = 256  # pixels, square
INACTIVE_WARNING_DAYS = int(os.environ.get("INACTIVE_WARNING_DAYS", "365"))
INACTIVE_GRACE_DAYS = int(os.environ.get("INACTIVE_GRACE_DAYS", "30"))
NOTIFICATION_RETENTION_DAYS = int(os.environ.get("NOTIFICATION_RETENTION_DAYS", "90"))

# --- Notifications ------------------------------------------------------------------------------
# Notifications to email within this many seconds of the first one leave in one email.
NOTIFICATION_GROUP_SECONDS = int(os.environ.get("NOTIFICATION_GROUP_SECONDS", "300"))
NOTIFICATION_UNSUBSCRIBE_DAYS = int(os.environ.get("NOTIFICATION_UNSUBSCRIBE_DAYS", "90"))
