"""The footer's legal links are kept in the cache (cms.selectors.legal_links), so that a page does
not read the page tree for them: a legal page published, renamed, unpublished or deleted shows in
the next page served all the same."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import LegalPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_as_in_production(settings):
    settings.LEGAL_LINKS_CACHE_SECONDS = 3600


def footer_links(client) -> list[tuple[str, str]]:
    response = client.get("/accessibilite/")
    links = BeautifulSoup(response.content, "html.parser").select("footer.site-footer nav a")
    return [(a.get_text(strip=True), str(a["href"])) for a in links]


def test_the_footer_follows_the_legal_pages_at_once(client, demo_data):
    links = footer_links(client)
    assert ("Déclaration d'accessibilité", "/accessibilite/") in links
    page = LegalPage.objects.live().exclude(slug="accessibilite").first()
    assert (page.title, page.url) in links

    page.title = "Conditions d'utilisation, version 2"
    page.save_revision().publish()
    assert (page.title, page.url) in footer_links(client)

    page.unpublish()
    assert page.title not in dict(footer_links(client))

    page.save_revision().publish()
    assert page.title in dict(footer_links(client))
    page.delete()
    assert page.title not in dict(footer_links(client))


def test_the_footer_does_not_read_the_page_tree_once_its_links_are_kept(client, demo_data):
    client.get("/comptes/login/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/comptes/login/")
    assert "/mentions-legales/" in page.content.decode()
    assert not [q for q in captured.captured_queries if "wagtailcore_page" in q["sql"]]
