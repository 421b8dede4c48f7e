"""HTML fragments of posts, rendered from the same template on the thread page and in live
events.

On the thread page, most of the page's time went into rendering its 50 posts. A post's HTML
depends only on the values listed in `_page_inputs`, so each process keeps the last fragments
it rendered, keyed by those values: an edit, a reaction, a new display name or another kind of
reader gives another key, and a fragment is never stale. The CSRF token is the only part that
changes with every reader; it is put in after the cache.
"""

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from clubs import access

from . import selectors
from .models import Post

POST_TEMPLATE = "messaging/_post.html"
# Cannot occur in a post: sources and names with a NUL character are refused.
CSRF_PLACEHOLDER = "\x00csrf\x00"
KEPT_FRAGMENTS = 2000  # an ordinary post: 5-10 KiB with its key, so 10-20 MiB per process


def post_html(post: Post, *, new: bool = False, first_post_id: int | None = None) -> str:
    """The post as `messaging/_post.html` shows it on the thread page, for any member (the page
    script then keeps the controls of its reader's rights). A `new` post has no reactions yet.
    A caller that knows the thread's first post passes `first_post_id`, and the fragment then
    reads nothing from the database (a new post's files come prefetched with it)."""
    thread = post.thread
    if new:
        post.reaction_summary = selectors.reaction_summary({})
    else:
        selectors.attach_reactions([post], user=None)
    if first_post_id is None:
        first_post_id = selectors.first_post_id(thread)
    return render_to_string(
        POST_TEMPLATE,
        {
            "post": post,
            "thread": thread,
            "club": thread.club,
            "live": True,
            "rights": access.any_member_rights(thread),
            "first_post_id": first_post_id,
        },
    )


V = TypeVar("V")


class LastUsed(Generic[V]):
    """The most recently used values (here, fragments), shared by the threads of one process."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[tuple, V] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> V | None:
        with self.lock:
            html = self.items.get(key)
            if html is not None:
                self.items.move_to_end(key)
            return html

    def put(self, key: tuple, value: V) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


rendered_posts: LastUsed[str] = LastUsed(KEPT_FRAGMENTS)


def page_post_html(post: Post, page: dict) -> str:
    """The post on the thread page, for the reader the page's context describes (`user`,
    `rights`, `first_post_id`, `thread`, `club`, `csrf_token`)."""
    key = _page_inputs(post, page)
    html = rendered_posts.get(key)
    if html is None:
        context = {**page, "post": post, "live": False, "csrf_token": CSRF_PLACEHOLDER}
        html = get_template(POST_TEMPLATE).render(context)
        rendered_posts.put(key, html)
    return html.replace(CSRF_PLACEHOLDER, str(page.get("csrf_token") or ""))


PAGE_NAMES = ("thread", "club", "user", "csrf_token", "rights", "first_post_id")


def _page_inputs(post: Post, page: dict) -> tuple:
    """Every value `messaging/_post.html` reads, when it shows this post on the thread page."""
    author = post.author
    profile = getattr(author, "profile", None)
    rights = page["rights"]
    return (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        page["club"].slug,
        (rights.writable, rights.post, rights.react, rights.moderate, rights.accept),
        post.pk,
        post.author_id == getattr(page.get("user"), "pk", None),
        post.pk == page.get("first_post_id"),
        post.pk == page["thread"].accepted_answer_id,
        post.author_id,
        author.display_name if author else None,
        (profile.handle, profile.job_title, profile.organisation) if profile else None,
        post.created_at,
        post.edited_at,
        post.deleted_at,
        post.hidden_at,
        post.hidden_reason,
        post.html,
        tuple((f.pk, f.is_image, f.original_name, f.size) for f in post.attachments.all()),
        tuple(post.reaction_summary),
    )
