"""HTML fragments sent in live events: rendered once, for every reader, from the same templates
as the pages."""

from django.template.loader import render_to_string

from . import selectors
from .models import Post


def post_html(post: Post) -> str:
    """The post as `messaging/_post.html` shows it on the thread page, for any member."""
    thread = post.thread
    selectors.attach_reactions([post], user=None)
    return render_to_string(
        "messaging/_post.html",
        {
            "post": post,
            "thread": thread,
            "club": thread.club,
            "live": True,
            "can_post": not thread.club.archived,
            "first_post_id": selectors.first_post_id(thread),
        },
    )
