"""The search page costs the same number of queries with few and with many matches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clubs.models import Membership
from community.models import User
from messaging import markdown
from messaging.models import Post, Thread

pytestmark = pytest.mark.django_db


def grow(club, size: int) -> None:
    """`size` threads whose title and posts say « budget », by `size` members of the club."""
    html = markdown.render("Le budget annexe.").html
    for n in range(size):
        person = User.objects.create_user(email=f"budget{n}-{User.objects.count()}@exemple.fr")
        person.profile.display_name = f"Budget {n}"
        person.profile.save()
        Membership.objects.create(user=person, club=club)
        thread = Thread.objects.create(club=club, title=f"Budget {n}", author=person)
        Post.objects.bulk_create(
            Post(thread=thread, author=person, source="Le budget annexe.", html=html)
            for _ in range(3)
        )


def queries_for(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search:search"), params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{"q": "budget"}, {"q": "budget", "type": "messages"}])
def test_query_count_does_not_grow_with_matches(member_client, club, params):
    grow(club, 2)
    few = queries_for(member_client, params)
    grow(club, 30)
    many = queries_for(member_client, params)
    assert few == many
