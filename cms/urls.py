from django.urls import re_path

from . import views

urlpatterns = [
    # Wagtail's own serve pattern, made reachable without login: each page type decides.
    re_path(r"^((?:[\w\-]+/)*)$", views.serve_page, name="wagtail_serve"),
]
