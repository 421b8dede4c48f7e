from django.contrib import admin
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from . import account_views, powers, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("membres/<slug:handle>/", views.profile, name="profile"),
    path("membres/<slug:handle>/photo/", account_views.avatar, name="avatar"),
    path("annuaire/", account_views.directory, name="member_directory"),
    path("compte/", account_views.edit_profile, name="account_profile"),
    path("compte/donnees/", account_views.my_data, name="account_data"),
    path("compte/donnees/telecharger/", account_views.download_my_data, name="account_export"),
    path("compte/suppression/", account_views.delete_account, name="account_delete"),
    path("comptes/", include("allauth.urls")),
    path("", include("clubs.urls")),
    path("", include("messaging.urls")),
    path("", include("search.urls")),
    path("", include("notifications.urls")),
    path("administration-technique/", admin.site.urls),
    # Wagtail's editor signs in through the site's login page (rate limits, two-factor step).
    path("edition/login/", views.login_elsewhere, name="wagtail_login_redirect"),
    path(
        "edition/",
        include(decorate_urlpatterns(wagtailadmin_urls.urlpatterns, powers.editor_power)),
    ),
]

# Last: Wagtail's page tree (legal pages, guides), each page type deciding who may read it.
urlpatterns += [path("", include("cms.urls"))]

handler500 = "entrepairs.errors.server_error"
