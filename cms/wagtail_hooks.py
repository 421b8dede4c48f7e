from django.contrib.auth.views import redirect_to_login
from wagtail import hooks


@hooks.register("before_serve_page")
def members_only_unless_public(page, request, serve_args, serve_kwargs):
    if request.user.is_authenticated or getattr(page.specific_class, "is_public", False):
        return None
    return redirect_to_login(request.get_full_path())
