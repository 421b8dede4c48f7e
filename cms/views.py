from django.contrib.auth.decorators import login_not_required
from wagtail import views as wagtail_views

# Public page types (landing, legal pages) are served to visitors; the wagtail_hooks module sends
# a visitor to the login page for every other type.
serve_page = login_not_required(wagtail_views.serve)
