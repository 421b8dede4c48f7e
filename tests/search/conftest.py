import pytest
from django.urls import reverse


@pytest.fixture
def search_page(client_for):
    """The search page as seen by `user` for the given parameters: (response, text)."""

    def get(user, **params):
        response = client_for(user).get(reverse("search:search"), params)
        return response, response.content.decode()

    return get
