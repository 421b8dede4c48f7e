from csp.middleware import CSPMiddleware
from django.conf import settings


class EditorPreviewFramingMiddleware:
    """Let Wagtail's editor frame its own previews, while every other page refuses framing.

    X_FRAME_OPTIONS is DENY for the site; the editor (under /edition/) shows page previews in an
    iframe of the same origin, so its responses say SAMEORIGIN. Placed after Django's
    XFrameOptionsMiddleware, which leaves a header that is already set alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/edition/"):
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the relaxed policy for the two admin areas.

    The site's own pages get `CONTENT_SECURITY_POLICY` (no inline script or style). Wagtail's
    editor and Django's admin are made of third-party templates full of inline scripts, and they
    span hundreds of views that this project does not own: django-csp's per-view decorators
    (`csp_replace`) cannot reach them, so the policy is chosen here by path prefix
    (`CONTENT_SECURITY_POLICY_ADMIN_PREFIXES`). A view that sets its own policy keeps it.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(settings.CONTENT_SECURITY_POLICY_ADMIN_PREFIXES)
        ):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN
        return parts


class PermissionsPolicyMiddleware:
    """Switch off, for every response, the browser features the site never uses
    (`PERMISSIONS_POLICY`): a script that got in could not reach the camera or the location."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
