"""What members' Markdown becomes: the formatting they need, safe links, headings in place."""

import pytest
from bs4 import BeautifulSoup

from messaging import markdown

MENTIONS = {"claire-martin": "/membres/claire-martin/"}


def render(source: str, **kw) -> str:
    return markdown.render(source, **kw).html


def soup(source: str, **kw) -> BeautifulSoup:
    return BeautifulSoup(render(source, **kw), "html.parser")


# --- Links --------------------------------------------------------------------------------------


def test_a_markdown_link_keeps_its_address_text_and_title():
    link = soup('[Le guide](https://www.collectivites-locales.gouv.fr/ "Guide officiel")').a
    assert link["href"] == "https://www.collectivites-locales.gouv.fr/"
    assert link["title"] == "Guide officiel"
    assert link.get_text() == "Le guide"


def test_a_relative_link_is_kept():
    assert soup("[la charte](/charte/)").a["href"] == "/charte/"
    assert soup("[plus bas](#reponse)").a["href"] == "#reponse"


@pytest.mark.parametrize(
    "source",
    [
        "[lien](https://exemple.fr)",
        "[lien](http://exemple.fr)",
        "https://exemple.fr/page",
        "www.exemple.fr",
        "<https://exemple.fr>",
        "[courriel](mailto:claire@mairie.fr)",
        "[réf][1]\n\n[1]: https://exemple.fr",
        "@claire-martin",
    ],
)
def test_every_link_is_nofollow_noopener(source):
    links = soup(source, mention_urls=MENTIONS).find_all("a")
    assert links
    for link in links:
        assert set(link["rel"]) == {"nofollow", "noopener"}


def test_a_bare_address_becomes_a_link():
    link = soup("Voir https://www.legifrance.gouv.fr/codes/ pour le texte.").a
    assert link["href"] == "https://www.legifrance.gouv.fr/codes/"
    assert link.get_text() == "https://www.legifrance.gouv.fr/codes/"


def test_a_www_address_becomes_an_http_link():
    link = soup("Voir www.service-public.fr").a
    assert link["href"] == "http://www.service-public.fr"


def test_an_angle_bracket_autolink_becomes_a_link():
    assert soup("<https://exemple.fr/a?b=1&c=2>").a["href"] == "https://exemple.fr/a?b=1&c=2"


def test_a_mailto_link_is_allowed():
    assert soup("[écrire](mailto:claire@mairie.fr)").a["href"] == "mailto:claire@mairie.fr"


def test_an_email_address_becomes_a_mailto_link():
    assert soup("Écrivez à claire@mairie.fr").a["href"] == "mailto:claire@mairie.fr"


def test_a_reference_link_is_resolved():
    link = soup('Voir [le code][cgct].\n\n[cgct]: https://www.legifrance.gouv.fr/ "CGCT"').a
    assert link["href"] == "https://www.legifrance.gouv.fr/"
    assert link["title"] == "CGCT"


@pytest.mark.parametrize("scheme", ["ftp", "file", "tel", "sms", "javascript", "data"])
def test_other_schemes_do_not_make_links(scheme):
    assert soup(f"[lien]({scheme}:quelque-chose)").find("a") is None


# --- Mentions -----------------------------------------------------------------------------------


def test_a_known_handle_becomes_a_mention_link():
    rendered = markdown.render("Merci @claire-martin !", mention_urls=MENTIONS)
    link = BeautifulSoup(rendered.html, "html.parser").a
    assert link["href"] == "/membres/claire-martin/"
    assert link["class"] == ["mention"]
    assert link.get_text() == "@claire-martin"
    assert rendered.mentioned_handles == {"claire-martin"}


def test_an_unknown_handle_stays_text():
    rendered = markdown.render("Merci @paul-dehors !", mention_urls=MENTIONS)
    assert "<a" not in rendered.html
    assert "@paul-dehors" in rendered.html
    assert rendered.mentioned_handles == set()


def test_without_mention_urls_nothing_is_a_mention():
    rendered = markdown.render("Merci @claire-martin !")
    assert "<a" not in rendered.html
    assert rendered.mentioned_handles == set()


@pytest.mark.parametrize(
    "source",
    ["claire@claire-martin.fr", "a/@claire-martin", "x.@claire-martin", "`@claire-martin`"],
)
def test_a_handle_inside_a_word_address_or_code_is_not_a_mention(source):
    rendered = markdown.render(source, mention_urls=MENTIONS)
    assert rendered.mentioned_handles == set()
    assert "/membres/" not in rendered.html


def test_a_longer_handle_is_not_a_mention_of_a_shorter_one():
    rendered = markdown.render("@claire-martin2 bonjour", mention_urls=MENTIONS)
    assert rendered.mentioned_handles == set()


def test_a_mention_in_emphasis_and_in_a_list():
    rendered = markdown.render("- **@claire-martin** voit ça\n- ok", mention_urls=MENTIONS)
    assert rendered.mentioned_handles == {"claire-martin"}
    assert soup("- **@claire-martin** voit ça", mention_urls=MENTIONS).select("li strong a")


# --- Blocks -------------------------------------------------------------------------------------


def test_bullet_and_numbered_lists():
    tree = soup("- pièce d'identité\n- justificatif de domicile\n\n3. trois\n4. quatre")
    assert [li.get_text() for li in tree.ul.find_all("li")] == [
        "pièce d'identité",
        "justificatif de domicile",
    ]
    assert tree.ol["start"] == "3"
    assert len(tree.ol.find_all("li")) == 2


def test_nested_lists():
    tree = soup("- budget\n  - fonctionnement\n  - investissement")
    assert tree.select("ul li ul li")


def test_a_fenced_code_block_keeps_its_text_and_language():
    tree = soup("```sql\nSELECT * FROM actes WHERE annee < 1900;\n```")
    code = tree.select_one("pre > code")
    assert code.get_text() == "SELECT * FROM actes WHERE annee < 1900;\n"
    assert code["class"] == ["language-sql"]


def test_an_indented_code_block():
    assert soup("Exemple :\n\n    print('bonjour')").select_one("pre > code")


def test_code_is_not_interpreted():
    tree = soup("```\n**pas gras** [pas un lien](https://a.fr) <b>x</b>\n```")
    assert tree.find("strong") is None and tree.find("a") is None and tree.find("b") is None
    assert "<b>x</b>" in tree.code.get_text()


def test_inline_code():
    tree = soup("Tapez `Ctrl+P` pour imprimer, ou `<F5>`.")
    assert [c.get_text() for c in tree.find_all("code")] == ["Ctrl+P", "<F5>"]


def test_quotes_and_nested_quotes():
    tree = soup("> L'article L2121-10 dit…\n>> et le suivant aussi")
    assert tree.select_one("blockquote blockquote p").get_text() == "et le suivant aussi"


def test_a_table_with_header_and_body():
    source = (
        "| Seuil | Montant HT |\n"
        "|:------|-----------:|\n"
        "| Dispense de procédure | 40 000 € |\n"
        "| Procédure formalisée (fournitures) | 221 000 € |\n"
    )
    tree = soup(source)
    assert [th.get_text() for th in tree.select("table thead th")] == ["Seuil", "Montant HT"]
    rows = tree.select("table tbody tr")
    assert len(rows) == 2
    assert [td.get_text() for td in rows[0].find_all("td")] == [
        "Dispense de procédure",
        "40 000 €",
    ]
    # Alignment would need a style attribute, which is not allowed: the cells stay plain.
    assert not tree.select("[style]")


def test_strikethrough():
    tree = soup("Le tarif est de ~~3,20 €~~ 3,40 €.")
    struck = tree.find(["s", "del"])
    assert struck is not None and struck.get_text() == "3,20 €"


def test_emphasis_and_line_breaks():
    tree = soup("*Important* et **très important**  \nligne suivante")
    assert tree.em.get_text() == "Important"
    assert tree.strong.get_text() == "très important"
    assert tree.find("br") is not None


def test_a_horizontal_rule():
    assert soup("avant\n\n---\n\naprès").find("hr") is not None


@pytest.mark.parametrize(
    ("source", "tag"),
    [("# Un", "h3"), ("## Deux", "h4"), ("### Trois", "h5"), ("#### Quatre", "h6")],
)
def test_headings_start_at_h3(source, tag):
    tree = soup(source)
    assert tree.find(tag) is not None
    assert tree.find(["h1", "h2"]) is None


@pytest.mark.parametrize("source", ["##### Cinq", "###### Six", "Titre\n=====", "Sous\n-----"])
def test_deep_and_setext_headings_stay_within_h3_to_h6(source):
    tree = soup(source)
    assert tree.find(["h1", "h2"]) is None
    assert tree.find(["h3", "h4", "h5", "h6"]) is not None


def test_images_are_not_rendered():
    tree = soup("![plan du cadastre](https://exemple.fr/plan.png)")
    assert tree.find("img") is None


def test_raw_html_is_shown_as_text():
    html = render("Un <b>gras</b> et <em>italique</em>")
    assert "<b>" not in html
    assert "&lt;b&gt;gras&lt;/b&gt;" in html


def test_french_text_and_entities_survive():
    tree = soup("L'été « à l'œuvre » — 3 < 4 & 5 > 2")
    assert tree.p.get_text() == "L'été « à l'œuvre » — 3 < 4 & 5 > 2"


# --- quote() ------------------------------------------------------------------------------------


def test_a_quote_renders_as_a_blockquote_with_the_authors_name():
    source = markdown.quote(
        "Il faut une délibération.\n\nVoir l'article L2121-29.", "Claire Martin"
    )
    tree = BeautifulSoup(render(source + "Merci beaucoup !"), "html.parser")
    blockquote = tree.blockquote
    assert blockquote is not None
    assert blockquote.strong.get_text() == "Claire Martin"
    assert "a écrit" in blockquote.p.get_text()
    paragraphs = [p.get_text() for p in blockquote.find_all("p")]
    assert "Il faut une délibération." in paragraphs
    assert "Voir l'article L2121-29." in paragraphs
    # The reply itself follows the quote, outside it.
    assert tree.find_all("p", recursive=False)[-1].get_text() == "Merci beaucoup !"


def test_a_quote_keeps_the_formatting_of_the_quoted_post():
    source = markdown.quote("- un\n- deux\n\n```\ncode\n```", "Thomas Girard")
    tree = soup(source)
    assert tree.select("blockquote ul li")
    assert tree.select_one("blockquote pre code").get_text() == "code\n"


def test_quoting_a_quote_nests_the_blockquotes():
    inner = markdown.quote("Première réponse", "Claire Martin")
    outer = markdown.quote(inner + "Deuxième", "Thomas Girard")
    tree = soup(outer)
    assert tree.select_one("blockquote blockquote strong").get_text() == "Claire Martin"
    assert tree.select_one("blockquote > p > strong").get_text() == "Thomas Girard"


def test_a_quote_of_an_empty_text_is_still_a_blockquote():
    tree = soup(markdown.quote("", "Claire Martin"))
    assert tree.blockquote.strong.get_text() == "Claire Martin"
