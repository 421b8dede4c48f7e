"""Writes of the guides made outside Wagtail's editor."""

from typing import Protocol

from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.rich_text import RichText

from clubs.models import Club
from community.action_errors import ActionError
from community.models import User

from .models import GuideIndexPage, GuidePage


class Post(Protocol):
    """What a guide takes of a post (messaging's): its sanitised HTML and who wrote it."""

    html: str
    author: User | None

    @property
    def is_visible(self) -> bool: ...


class Thread(Protocol):
    """What a guide takes of a thread (messaging's)."""

    title: str
    club: Club

    @property
    def is_solved(self) -> bool: ...


def _unique_slug(index: GuideIndexPage, title: str) -> str:
    base = slugify(title)[:70].strip("-") or "guide"
    taken = set(index.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _credited(post: Post | None, credit: str) -> str:
    """A post's HTML (sanitised when written) followed by who wrote it."""
    text = post.html if post is not None and post.is_visible else ""
    name = escape(post.author.display_name) if post is not None and post.author else _("un membre")
    return f"{text}<p><em>{escape(credit)} {name}</em></p>"


@transaction.atomic
def promote_thread_to_guide(
    *, actor: User, thread: Thread, question: Post | None, answer: Post | None
) -> GuidePage:
    """A draft guide under the guide index, made of a solved thread's question (its first post)
    and accepted answer, crediting their authors, aimed at the thread's club. The caller has
    checked that the actor is staff and may read the thread."""
    index = GuideIndexPage.objects.first()
    if index is None:
        raise ActionError(_("Il n'y a pas encore de liste des guides : créez-la dans l'éditeur."))
    if not thread.is_solved or answer is None:
        raise ActionError(_("Seul un fil résolu peut devenir un guide."))
    guide = GuidePage(
        title=thread.title,
        slug=_unique_slug(index, thread.title),
        live=False,
        body=[
            ("heading", _("La question")),
            ("rich_text", RichText(_credited(question, _("Question posée par")))),
            ("heading", _("La réponse retenue")),
            ("rich_text", RichText(_credited(answer, _("Réponse de")))),
        ],
    )
    guide.audience = [thread.club]
    index.add_child(instance=guide)
    guide.save_revision(user=actor, log_action=True)
    return guide
