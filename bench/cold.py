"""Benchmarks only (bench/settings.py, never the site's settings): a request carrying
`X-Bench-Fragments: cold` finds the per-process post-fragment cache empty, as the first reader
of a kind not seen before does (another language, other rights, a post just edited): every post
of the page is rendered from its template. The ratio of that page to the bare view is the
thread page's "cold" line in bench/thread_page.py."""

from messaging import fragments

HEADER = "X-Bench-Fragments"


def cold_fragments(get_response):
    def middleware(request):
        if request.headers.get(HEADER) == "cold":
            fragments.rendered_posts.clear()
        return get_response(request)

    return middleware
