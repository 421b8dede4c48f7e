"""The dashboard, the club page and the guide index cost the same number of queries with few or
many guides."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import GuideCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grow(make_guide, club, other_club):
    categories = [
        GuideCategory.objects.create(name=name, slug=name.lower())
        for name in ("Finances", "Archives")
    ]

    def add(count: int) -> None:
        for n in range(count):
            for audience in ([club], [], [other_club], [club, other_club]):
                guide = make_guide(f"Guide {n}", audience=audience, slug=None)
                guide.categories = categories
                guide.save_revision().publish()

    return add


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["dashboard", "club", "index"])
def test_guide_listings_do_not_grow_with_the_number_of_guides(
    client_for, grow, guide_index, member, club, page
):
    url = {
        "dashboard": reverse("home"),
        "club": reverse("clubs:detail", args=[club.slug]),
        "index": guide_index.url,
    }[page]
    client = client_for(member)
    grow(2)
    queries(client, url)  # warm the per-process caches (content types, site)
    few = queries(client, url)
    grow(12)
    queries(client, url)  # publishing pages may empty the site cache: warm it again
    assert queries(client, url) == few
