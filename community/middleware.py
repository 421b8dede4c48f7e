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
