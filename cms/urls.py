from django.urls import include, path, re_path
from wagtail.documents import urls as wagtaildocs_urls

from . import views

urlpatterns = [
    path("clubs/<slug:slug>/fils/<int:pk>/guide/", views.promote_thread, name="promote_thread"),
    path("images/<int:pk>/<str:size>/", views.guide_image, name="guide_image"),
    # Wagtail's document view: the before_serve_document hook checks the reader's access.
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail's own serve pattern, made reachable without login: each page type decides.
    re_path(r"^((?:[\w\-]+/)*)$", views.serve_page, name="wagtail_serve"),
]
