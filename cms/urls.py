from django.urls import path, re_path
from wagtail.documents.views.serve import serve as serve_document

from . import views

urlpatterns = [
    path("clubs/<slug:slug>/fils/<int:pk>/guide/", views.promote_thread, name="promote_thread"),
    path("images/<int:pk>/<str:size>/", views.guide_image, name="guide_image"),
    # Wagtail's document view: the before_serve_document hook checks the reader's access.
    path(
        "documents/<int:document_id>/<str:document_filename>",
        serve_document,
        name="wagtaildocs_serve",
    ),
    # Wagtail's own serve pattern, made reachable without login: each page type decides.
    re_path(r"^((?:[\w\-]+/)*)$", views.serve_page, name="wagtail_serve"),
]
