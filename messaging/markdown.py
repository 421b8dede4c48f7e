"""Members write Markdown; the site stores safe HTML, rendered once when a post is written.

markdown-it-py parses with raw HTML off; nh3 then keeps only an allow-list of tags, attributes and
link schemes — a second, independent barrier should the first ever let something through.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

HANDLE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?", re.IGNORECASE)
# A mention starts a word: "claire@mairie.fr" is an address, not a mention of @mairie.
NOT_BEFORE_MENTION = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@/")

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "ol": {"start"}, "code": {"class"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


@dataclass
class Rendered:
    html: str
    mentioned_handles: set[str] = field(default_factory=set)


def _mention_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "@" or (pos > 0 and state.src[pos - 1] in NOT_BEFORE_MENTION):
        return False
    match = HANDLE.match(state.src, pos + 1)
    if not match:
        return False
    handle = match.group(0).lower()
    if handle not in state.env.get("mention_urls", {}):
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.meta = {"handle": handle}
    state.pos = match.end()
    return True


def _render_mention(renderer, tokens, index, options, env) -> str:
    handle = tokens[index].meta["handle"]
    env.setdefault("mentioned", set()).add(handle)
    url = env["mention_urls"][handle]
    return f'<a class="mention" href="{url}">@{handle}</a>'


def _lower_headings(state) -> None:
    """A post sits under the page's h1 and the thread's h2: its headings start at h3."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"


class _SafeLinks(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        return url.split(":", 1)[0].lower() in ALLOWED_SCHEMES or ":" not in url


def _parser() -> MarkdownIt:
    md = _SafeLinks("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)
    md.core.ruler.push("lower_headings", _lower_headings)
    return md


_MARKDOWN = _parser()


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def render(source: str, *, mention_urls: dict[str, str] | None = None) -> Rendered:
    """Safe HTML for a post. `mention_urls` maps the handles that may be mentioned (the club's
    members) to their profile URL; any other @word stays plain text."""
    env: dict[str, Any] = {"mention_urls": mention_urls or {}}
    html = _MARKDOWN.render(source, env)
    return Rendered(html=sanitise(html), mentioned_handles=env.get("mentioned", set()))


def quote(source: str, author_name: str) -> str:
    """The Markdown that quotes a post at the top of a reply."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in source.strip().splitlines())
    return f"> **{author_name}** a écrit :\n>\n{quoted}\n\n"
