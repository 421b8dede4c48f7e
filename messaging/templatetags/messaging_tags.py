"""The club page's list of threads, shown by the clubs' template without clubs importing the
discussions: the template asks for it."""

import functools

from django import template
from django.core.paginator import Paginator
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from clubs import access
from messaging import fragments, selectors
from messaging.forms import ThreadForm

register = template.Library()


@register.inclusion_tag("messaging/_club_threads.html", takes_context=True)
def club_threads(context, club, membership):
    request = context["request"]
    filter_name = request.GET.get("filtre", "")
    if filter_name not in selectors.THREAD_FILTERS:
        filter_name = ""
    threads = selectors.club_threads(club, request.user, filter_name=filter_name)
    page = Paginator(threads, selectors.THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "request": request,
        "club": club,
        "membership": membership,
        "page": page,
        "filter_name": filter_name,
        "filters": FILTER_LABELS,
        "can_post": access.can_post(membership, club),
        "thread_form": ThreadForm(),
    }


FILTER_LABELS = [
    ("", _("Tous")),
    ("non-lus", _("Non lus")),
    ("sans-reponse", _("Sans réponse")),
    ("resolus", _("Résolus")),
    ("suivis", _("Suivis")),
]


# What each reaction means, for screen readers (the emoji alone is read inconsistently).
REACTION_LABELS = {
    "pouce": _("d'accord"),
    "merci": _("merci"),
    "coeur": _("j'adore"),
    "bravo": _("bravo"),
    "rire": _("amusant"),
    "question": _("perplexe"),
}


@functools.cache
def _reaction_labels(language: str | None) -> dict[str, str]:
    """The labels in the active language (`language` is it, as the key), translated and
    escaped once per language rather than six times a post."""
    return {kind: escape(str(label)) for kind, label in REACTION_LABELS.items()}


@register.simple_tag
def reaction_buttons(post, rights: access.ThreadRights) -> str:
    """The buttons of a post's reaction form (messaging/_post.html): one per kind, sending it
    (name="kind"), named by its label (the emoji is drawn by the style sheet), its count, and
    aria-pressed for the reader's own. Built here rather than by a loop of the template: a post
    rendered for a kind of reader not seen yet (messaging/fragments.py) spent a third of its
    time resolving the loop's variables."""
    may_react = rights.react
    disabled = "" if may_react else " disabled"
    labels = _reaction_labels(translation.get_language())
    buttons = []
    for kind, _emoji, count, mine in post.reaction_summary:
        if not (count or may_react):
            continue
        counted = f' <span class="reaction__count">{int(count)}</span>' if count else ""
        pressed = "true" if mine else "false"
        buttons.append(
            f'<button name="kind" value="{escape(kind)}" aria-pressed="{pressed}"{disabled}>'
            f"<span>{labels.get(kind, escape(kind))}</span>{counted}</button>"
        )
    return mark_safe("".join(buttons))  # noqa: S308 (every value above is escaped or a number)


@register.inclusion_tag("messaging/_unread_badge.html", takes_context=True)
def unread_badge(context, club):
    """The number of the club's threads with unread posts, for the header."""
    return {"count": context.get("unread_by_club", {}).get(club.pk, 0), "club": club}


@register.filter
def owns(rights: access.ThreadRights, post) -> bool:
    """Whether the post is the reader's own (`ThreadRights.owns`)."""
    return rights.owns(post.author_id)


@register.filter
def may_report(rights: access.ThreadRights, post) -> bool:
    """Whether the reader may report the post: anyone's but their own."""
    return rights.may_report(post.author_id)


@register.filter
def may_moderate(rights: access.ThreadRights, post) -> bool:
    """Whether the reader may hide or restore the post (`ThreadRights.may_moderate_post`)."""
    return rights.may_moderate_post(post.author_id)


@register.inclusion_tag("messaging/_reports_badge.html", takes_context=True)
def pending_reports_badge(context, club):
    """The number of reports waiting for the viewer in the club, beside the moderation tabs."""
    return {"count": context.get("pending_reports_by_club", {}).get(club.pk, 0)}


@register.simple_tag(takes_context=True)
def page_post(context, post):
    """A post of the thread page (`messaging/_post.html`), rendered once per kind of reader."""
    page = {name: context.get(name) for name in fragments.PAGE_NAMES}
    return mark_safe(fragments.page_post_html(post, page))
