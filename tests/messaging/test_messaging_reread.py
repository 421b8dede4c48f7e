"""Opening a thread already read to the end of the page shown writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging import selectors

pytestmark = pytest.mark.django_db


def test_reopening_a_read_thread_only_reads_the_position_and_a_new_post_moves_it(
    club, author, member, make_thread, make_post, client_for
):
    thread = make_thread(club, author)
    url = reverse("messaging:thread", args=[club.slug, thread.pk])
    client = client_for(member)
    client.get(url)
    assert selectors.read_position(thread, member) == thread.posts.get().pk

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    touching = [q["sql"] for q in captured if "messaging_readstate" in q["sql"]]
    assert touching and all(sql.startswith("SELECT") for sql in touching)
    assert not any(q["sql"].startswith("SAVEPOINT") for q in captured)

    reply = make_post(thread, author)
    client.get(url)
    assert selectors.read_position(thread, member) == reply.pk
