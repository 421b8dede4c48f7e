from django import template

from cms import selectors

register = template.Library()


@register.simple_tag
def legal_pages():
    """The footer's legal pages, as {url, title} (kept in the cache: cms.selectors.legal_links)."""
    return selectors.legal_links()


@register.inclusion_tag("cms/_club_guides.html", takes_context=True)
def club_guides(context, club):
    """The guides aimed at a club, for its page: the clubs' template asks, clubs import no cms."""
    guides = selectors.club_guides(context["request"].user, club)[: selectors.CLUB_GUIDES]
    return {"club": club, "guides": list(guides), "guide_index": selectors.guide_index()}
