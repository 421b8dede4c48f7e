"""What the search page searches, and how (see docs/search.md).

Each source (threads, posts, guides, members) starts from what the member may see — a queryset
built on `clubs.access` — then matches the words with the database's engine: PostgreSQL full text
(French stemming, accents ignored, ranked, `ts_headline` snippets) or, on the embedded SQLite,
the same French words in FTS5 tables (`search.sqlite_index`), ranked too. Member names are matched
as substrings, accents and case ignored, on both. Adding a source means one more class in
`SOURCES`.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Func, QuerySet, Value, Window
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from clubs import access
from clubs.models import Club
from cms.models import GuidePage
from cms.selectors import guides_for
from community.fulltext import (
    CONFIG,
    contains_every_word,
    fold,
    folded_terms,
    french_stems,
    person_name,
    query_stems,
)
from messaging.models import Post, Thread
from messaging.selectors import VISIBLE

from . import sqlite_index

if TYPE_CHECKING:
    from collections.abc import Callable

    from django_stubs_ext import StrOrPromise

# Private-use characters mark the matched words until the text is escaped; they are removed
# from the searched text first, so that no member can forge a mark.
START, STOP = "\ue000", "\ue001"
WORD = re.compile(r"\w+")
SNIPPET_CHARS = 220


@dataclass(frozen=True)
class Criteria:
    """A valid search: its text, and the optional club and start date that narrow it."""

    text: str
    club: Club | None = None
    since: datetime | None = None

    @property
    def terms(self) -> list[str]:
        """The folded words, for names (matched as substrings)."""
        return [term for term in folded_terms(self.text) if len(term) > 1]

    @property
    def stems(self) -> list[str]:
        """The French stems, for texts (`community.fulltext.query_stems`)."""
        return query_stems(self.text)

    def names_word(self, word: str) -> bool:
        """Whether a word of a name contains one of the words searched."""
        return any(term in fold(word) for term in self.terms)

    def has_stem_of(self, word: str) -> bool:
        """Whether a word of a text is a form of one of the words searched."""
        return any(stem in self.stems for stem in french_stems(word))


@dataclass(frozen=True)
class Hit:
    """One result, ready to show: its title and snippet are escaped, with <mark> around the
    matched words."""

    title: SafeString
    url: str
    snippet: SafeString
    details: list["StrOrPromise"]


# --- Marking matched words ----------------------------------------------------------------------


def unmarked(text: str) -> str:
    return text.replace(START, "").replace(STOP, "")


def marked(text: str) -> SafeString:
    """Escape the text, then turn the markers into <mark> elements."""
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))


def highlight(text: str, matches: "Callable[[str], bool]", *, whole: bool) -> str:
    """Markers around each word that `matches` (`Criteria.has_stem_of` or `names_word`); unless
    `whole`, only a window of text around the first such word."""
    text = unmarked(text)
    found = [m for m in WORD.finditer(text) if matches(m.group())]
    start, end = 0, len(text)
    if not whole:
        first = found[0].start() if found else 0
        start = max(0, first - SNIPPET_CHARS // 3)
        end = start + SNIPPET_CHARS
    pieces, cursor = [], start
    for match in found:
        if match.start() < start or match.end() > end:
            continue
        pieces += [text[cursor : match.start()], START, match.group(), STOP]
        cursor = match.end()
    pieces.append(text[cursor:end])
    snippet = " ".join("".join(pieces).split())
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + snippet + suffix


# --- The engine ---------------------------------------------------------------------------------


def full_text() -> bool:
    """PostgreSQL's own full text; otherwise SQLite's index (`search.sqlite_index`)."""
    return connection.vendor == "postgresql"


def _ts_query(criteria: Criteria) -> SearchQuery:
    return SearchQuery(criteria.text, config=CONFIG, search_type="plain")


def match_text(queryset: QuerySet, *, document: str, index: str, criteria: Criteria) -> QuerySet:
    """The rows whose text holds every word (in any of its French forms), best first: PostgreSQL's
    `document`, or SQLite's `index` (a key of `sqlite_index.INDEXES`)."""
    if full_text():
        query = _ts_query(criteria)
        queryset = queryset.filter(**{document: query}).annotate(
            rank=SearchRank(F(document), query)
        )
    else:
        queryset = sqlite_index.matching(queryset, index=index, stems=criteria.stems)
    return queryset.order_by("-rank", "-pk")


def headlines(objects: list, *, text: str, criteria: Criteria, whole: bool) -> dict[int, str]:
    """The marked snippet (or `whole` text) of each object, by primary key: one query on
    PostgreSQL, none on SQLite (the same stemmer in Python tells which words matched)."""
    if not objects:
        return {}
    if not full_text():
        return {
            o.pk: highlight(without_markdown(getattr(o, text)), criteria.has_stem_of, whole=whole)
            for o in objects
        }
    model = type(objects[0])
    clean = Func(F(text), Value(START + STOP), Value(""), function="translate")
    headline = SearchHeadline(
        clean,
        _ts_query(criteria),
        config=CONFIG,
        start_sel=START,
        stop_sel=STOP,
        highlight_all=True if whole else None,
        max_words=None if whole else 35,
        min_words=None if whole else 15,
        max_fragments=None if whole else 2,
        fragment_delimiter=None if whole else " … ",
    )
    rows = model.objects.filter(pk__in=[o.pk for o in objects]).annotate(headline=headline)
    return {
        pk: " ".join(without_markdown(h).split()) for pk, h in rows.values_list("pk", "headline")
    }


# Posts are Markdown: a snippet shows the words, not the syntax around them.
# A snippet may end inside a link's address: the link goes all the same.
MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*(?:\)|$)")
MARKDOWN_MARKS = re.compile(
    r"\*\*|__|~~|`+|^\s{0,3}(?:#{1,6}|>|[-*+]|\d+\.)\s+|(?<!\w)[*_]|[*_](?!\w)", re.M
)


def without_markdown(text: str) -> str:
    """The text of Markdown without its marks: links keep their label, emphasis and code lose
    their signs, headings, quotes and list items their leading sign."""
    return MARKDOWN_MARKS.sub("", MARKDOWN_LINK.sub(r"\1", text))


def _when(moment) -> str:
    return date_format(localtime(moment), "j F Y")


# --- Sources ------------------------------------------------------------------------------------


class ThreadSource:
    key = "fils"
    label = _("Fils de discussion")

    def matches(self, user, criteria: Criteria) -> QuerySet[Thread]:
        threads = Thread.objects.filter(club__in=access.readable_clubs(user))
        if criteria.club is not None:
            threads = threads.filter(club=criteria.club)
        if criteria.since is not None:
            threads = threads.filter(created_at__gte=criteria.since)
        threads = threads.select_related("club").defer("search_document", "club__description")
        return match_text(threads, document="search_document", index="threads", criteria=criteria)

    def hits(self, threads: list[Thread], criteria: Criteria) -> list[Hit]:
        titles = headlines(threads, text="title", criteria=criteria, whole=True)
        return [
            Hit(
                title=marked(titles[thread.pk]),
                url=reverse("messaging:thread", args=[thread.club.slug, thread.pk]),
                snippet=SafeString(""),
                details=[thread.club.name, _when(thread.created_at)],
            )
            for thread in threads
        ]


class PostSource:
    key = "messages"
    label = _("Messages")

    def matches(self, user, criteria: Criteria) -> QuerySet[Post]:
        posts = Post.objects.filter(VISIBLE, thread__club__in=access.readable_clubs(user))
        if criteria.club is not None:
            posts = posts.filter(thread__club=criteria.club)
        if criteria.since is not None:
            posts = posts.filter(created_at__gte=criteria.since)
        posts = posts.select_related("thread__club", "author__profile").only(
            "source",
            "created_at",
            "thread__title",
            "thread__club__name",
            "thread__club__slug",
            "author__first_name",
            "author__last_name",
            "author__email",
            "author__profile__display_name",
        )
        return match_text(posts, document="search_document", index="posts", criteria=criteria)

    def hits(self, posts: list[Post], criteria: Criteria) -> list[Hit]:
        snippets = headlines(posts, text="source", criteria=criteria, whole=False)
        return [
            Hit(
                title=marked(unmarked(post.thread.title)),
                url=reverse("messaging:post", args=[post.thread.club.slug, post.pk]),
                snippet=marked(snippets[post.pk]),
                details=[
                    str(post.author) if post.author else str(_("Ancien membre")),
                    post.thread.club.name,
                    _when(post.created_at),
                ],
            )
            for post in posts
        ]


class GuideSource:
    """The published guides the member may read (`cms.selectors.guides_for`): their title,
    chapeau and blocks. A club filter keeps the guides aimed at that club."""

    key = "guides"
    label = _("Guides")

    def matches(self, user, criteria: Criteria) -> QuerySet[GuidePage]:
        guides = guides_for(user)
        if criteria.club is not None:
            guides = guides.filter(audience=criteria.club)
        if criteria.since is not None:
            guides = guides.filter(first_published_at__gte=criteria.since)
        guides = guides.only("title", "url_path", "first_published_at", "search_text")
        if full_text():
            guides = guides.annotate(document=SearchVector("search_text", config=CONFIG))
        return match_text(guides, document="document", index="guides", criteria=criteria)

    def hits(self, guides: list[GuidePage], criteria: Criteria) -> list[Hit]:
        snippets = headlines(guides, text="search_text", criteria=criteria, whole=False)
        return [
            Hit(
                title=marked(highlight(guide.title, criteria.has_stem_of, whole=True)),
                url=guide.get_url(),
                snippet=marked(snippets[guide.pk]),
                details=[_("Guide de l'équipe du GIP"), _when(guide.first_published_at)],
            )
            for guide in guides
        ]


class MemberSource:
    """Names of the people who share a club with the member; accents and case ignored on every
    database (names are not stemmed)."""

    key = "membres"
    label = _("Membres")

    def matches(self, user, criteria: Criteria) -> QuerySet:
        people = access.people_sharing_a_club_with(user)
        if criteria.club is not None:
            people = people.filter(club_memberships__club=criteria.club)
        people = contains_every_word(people.select_related("profile"), person_name(), criteria.text)
        return people.order_by("profile__display_name", "last_name", "first_name", "pk")

    def hits(self, people: list, criteria: Criteria) -> list[Hit]:
        return [
            Hit(
                title=marked(highlight(person.display_name, criteria.names_word, whole=True)),
                url=reverse("profile", args=[person.profile.handle]),
                snippet=SafeString(""),
                details=[d for d in (person.profile.job_title, person.profile.organisation) if d],
            )
            for person in people
        ]


SOURCES = {
    source.key: source for source in (ThreadSource(), PostSource(), GuideSource(), MemberSource())
}


# --- A search across the sources ----------------------------------------------------------------

PER_GROUP = 5
PER_PAGE = 20


@dataclass
class Group:
    """One source's part of the results: how many matched, and the hits shown (a page of them
    when the member chose this type, the first few otherwise)."""

    key: str
    label: "StrOrPromise"
    count: int
    hits: list[Hit]
    page: Page | None = None


def first_matches(matches: QuerySet) -> tuple[int, list]:
    """How many matched, and the first few: one narrow scan of every match (keys, rank and,
    through a window, the total), then the few rows in full."""
    ranked = matches.annotate(total=Window(Count("pk"))).values_list("pk", "total")
    ranked = list(ranked[:PER_GROUP])
    if not ranked:
        return 0, []
    found = matches.filter(pk__in=[pk for pk, _total in ranked]).in_bulk()
    return ranked[0][1], [found[pk] for pk, _total in ranked]


def search(user, criteria: Criteria, *, only: str = "", page_number=None) -> list[Group]:
    """Every source's count; the hits of the chosen source (paginated) or of each one."""
    groups = []
    for key, source in SOURCES.items():
        matches = source.matches(user, criteria)
        if only and key != only:
            groups.append(Group(key, source.label, matches.count(), []))
            continue
        if only:
            page = Paginator(matches, PER_PAGE).get_page(page_number)
            hits = source.hits(list(page), criteria)
            groups.append(Group(key, source.label, page.paginator.count, hits, page))
            continue
        count, shown = first_matches(matches)
        groups.append(Group(key, source.label, count, source.hits(shown, criteria)))
    return groups
