from django.conf import settings
from django.urls import path, re_path
from wagtail.documents.views.serve import serve as serve_document

from . import views

MEDIA = settings.MEDIA_URL.strip("/")

urlpatterns = [
    path("clubs/<slug:slug>/fils/<int:pk>/guide/", views.promote_thread, name="promote_thread"),
    path("images/<int:pk>/<str:size>/", views.guide_image, name="guide_image"),
    # The editor's image files at their storage address (guides' readers never get one).
    *(
        path(f"{MEDIA}/{folder}/<path:name>", views.editor_image_file, {"folder": folder})
        for folder in ("images", "original_images")
    ),
    # Wagtail's document view: the before_serve_document hook checks the reader's access.
    path(
        "documents/<int:document_id>/<str:document_filename>",
        serve_document,
        name="wagtaildocs_serve",
    ),
    # Wagtail's own serve pattern, made reachable without login: each page type decides.
    re_path(r"^((?:[\w\-]+/)*)$", views.serve_page, name="wagtail_serve"),
]
