"""A lost database gives the « service momentanément indisponible » page (503), not a traceback;
any other failure the 500 page. (tests/system/test_database_fault.py cuts a real PostgreSQL.)"""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client


@pytest.fixture
def browser(member):
    browser = Client(raise_request_exception=False)
    browser.force_login(member)
    return browser


@pytest.mark.parametrize(
    "error", [OperationalError("server closed the connection"), InterfaceError("closed")]
)
def test_a_lost_database_gives_the_french_503_page(browser, monkeypatch, error):
    def fail(user):
        raise error

    monkeypatch.setattr("entrepairs.views.club_selectors.my_memberships", fail)
    response = browser.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Service momentanément indisponible" in page
    assert "Réessayez dans quelques instants" in page
    assert "Traceback" not in page and "server closed" not in page


def test_any_other_failure_gives_the_500_page(browser, monkeypatch):
    def fail(user):
        raise ValueError("bug")

    monkeypatch.setattr("entrepairs.views.club_selectors.my_memberships", fail)
    response = browser.get("/")
    assert response.status_code == 500
    assert "Un problème est survenu" in response.content.decode()
