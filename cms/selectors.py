"""Reads of the page tree. Who may read a guide is decided by `clubs.access`, from its audience."""

from typing import cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Model, QuerySet
from modelcluster.queryset import FakeQuerySet
from wagtail.models import ReferenceIndex

from clubs import access
from clubs.models import Club

from .models import GuideCategory, GuideIndexPage, GuidePage, HomePage, LegalPage

RECENT_GUIDES = 5
CLUB_GUIDES = 6


# Wagtail ships no type information: its querysets' results are typed here, where they are read.


def landing_page() -> HomePage | None:
    return cast(HomePage | None, HomePage.objects.live().first())


def legal_pages() -> QuerySet[LegalPage]:
    return cast(QuerySet[LegalPage], LegalPage.objects.live().order_by("path"))


LEGAL_LINKS_KEY = "cms:legal-links"


def legal_links() -> list[dict[str, str]]:
    """The footer's links to the live legal pages, on every page: kept in the site's cache
    (shared by the processes, Redis in production) rather than read from the page tree for
    each request, and forgotten as soon as a legal page is published, unpublished, moved or
    deleted (`forget_legal_links`)."""
    # How long, beyond the signals (cms/signals.py): a change of site or host. 0: not kept
    # (the test suite's default, so that a page's first request costs what the next ones do).
    seconds = settings.LEGAL_LINKS_CACHE_SECONDS
    links = cache.get(LEGAL_LINKS_KEY) if seconds else None
    if links is None:
        links = [{"url": page.url, "title": page.title} for page in legal_pages()]
        if seconds:
            cache.set(LEGAL_LINKS_KEY, links, seconds)
    return links


def forget_legal_links() -> None:
    cache.delete(LEGAL_LINKS_KEY)


def guide_index() -> GuideIndexPage | None:
    return cast(GuideIndexPage | None, GuideIndexPage.objects.first())


# --- Guides, by audience ------------------------------------------------------------------------


def guides_for(
    user: access.Person, *, category: GuideCategory | None = None
) -> QuerySet[GuidePage]:
    """The live guides the user may read, most recently published first (none for a visitor)."""
    readable = GuidePage.objects.filter(access.audience_filter(user, "audience")).values("pk")
    guides = GuidePage.objects.live().filter(pk__in=readable)
    if category is not None:
        guides = guides.filter(categories=category)
    return cast(QuerySet[GuidePage], guides.order_by("-first_published_at", "-pk"))


def recent_guides_for(user: access.Person) -> list[GuidePage]:
    """The dashboard's few most recent guides."""
    return list(guides_for(user)[:RECENT_GUIDES])


def club_guides(user: access.Person, club: Club) -> QuerySet[GuidePage]:
    """The guides aimed at this club (not the ones for every member) that the user may read."""
    return guides_for(user).filter(audience=club)


def _audience(guide: GuidePage) -> QuerySet[Club]:
    """A guide's clubs as a database query. A draft shown in the editor's preview holds its clubs
    in memory (modelcluster's fake queryset, which cannot be joined to other queries): they are
    looked up by their ids."""
    clubs = guide.audience.all()
    if isinstance(clubs, FakeQuerySet):
        return Club.objects.filter(pk__in=[club.pk for club in clubs])
    return cast(QuerySet[Club], clubs)


def may_read_guide(user: access.Person, guide: GuidePage) -> bool:
    return access.may_read_audience(user, _audience(guide).values_list("pk", flat=True))


def guide_clubs(user: access.Person, guide: GuidePage) -> QuerySet[Club]:
    """The clubs a guide is for, as far as the user may know them (a secret club stays hidden)."""
    visible = access.clubs_visible_to(user).values("pk")
    return _audience(guide).filter(pk__in=visible).order_by("name")


def guide_categories() -> QuerySet[GuideCategory]:
    return GuideCategory.objects.all()


def category_by_slug(slug: str) -> GuideCategory | None:
    return GuideCategory.objects.filter(slug=slug).first() if slug else None


def with_categories(guides: QuerySet[GuidePage]) -> QuerySet[GuidePage]:
    return guides.prefetch_related("categories")


# --- Documents and images of guides -------------------------------------------------------------


def may_read_guide_media(user: access.Person, media: Model) -> bool:
    """Whether the user may download a document or see an image: the people of the editor always
    (they choose them there, and preview drafts); others when a live guide they may read uses it
    (Wagtail's reference index records every use in a guide's body, from the published content)."""
    if not access.is_active_user(user):
        return False
    using_guides = ReferenceIndex.get_references_to(media).filter(
        content_type=ContentType.objects.get_for_model(GuidePage)
    )
    guide_ids = [int(pk) for pk in using_guides.values_list("object_id", flat=True)]
    if guide_ids and guides_for(user).filter(pk__in=guide_ids).exists():
        return True
    if access.may_use_editor(user):
        access.use_power(user)  # beyond the guides they read: the editor's power
        return True
    return False
