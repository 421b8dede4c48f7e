"""Reading a page the test client received: its parsed HTML, its visible text, its markup, and the
messages it tells the member."""

import html as entities

from bs4 import BeautifulSoup
from django.contrib.messages import get_messages


def html(response) -> BeautifulSoup:
    """The page, parsed."""
    return BeautifulSoup(response.content.decode(), "html.parser")


def words(node) -> str:
    """The visible text of a parsed element, with its whitespace collapsed."""
    return " ".join(node.get_text(" ").split())


def text(response) -> str:
    """The page's visible text, with its whitespace collapsed."""
    return words(html(response))


def markup(response) -> str:
    """The page's HTML as sent, with its character references decoded (`&#x27;` reads `'`)."""
    return entities.unescape(response.content.decode())


def shown_messages(response) -> list[str]:
    """The messages the view gave to show the member (Django's messages framework)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def flashes(response) -> list[str]:
    """The messages shown at the top of the page."""
    return [words(li) for li in html(response).select(".messages li")]
