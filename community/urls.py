from django.contrib import admin
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("membres/<slug:handle>/", views.profile, name="profile"),
    path("comptes/", include("allauth.urls")),
    path("", include("clubs.urls")),
    path("", include("messaging.urls")),
    path("", include("notifications.urls")),
    path("administration-technique/", admin.site.urls),
    # Wagtail's editor signs in through the site's login page (rate limits, two-factor step).
    path("edition/login/", views.login_elsewhere, name="wagtail_login_redirect"),
    path("edition/", include(wagtailadmin_urls)),
]

# Last: Wagtail's page tree (legal pages, guides), each page type deciding who may read it.
urlpatterns += [path("", include("cms.urls"))]
