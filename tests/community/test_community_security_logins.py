"""Every way in goes through the site's login page and its rate limits: the Django admin's and
Wagtail's login forms take no password, they send to /comptes/login/."""

import pytest
from django.urls import reverse

PASSWORD = "motdepasse-solide-42"


@pytest.fixture
def superuser(make_user):
    return make_user("root@exemple.fr", is_staff=True, is_superuser=True, password=PASSWORD)


@pytest.mark.parametrize("path", ["/administration-technique/login/", "/edition/login/"])
def test_the_admin_login_forms_take_no_password_and_send_to_the_site_login(client, superuser, path):
    response = client.post(path, {"username": superuser.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/administration-technique/", "/edition/"])
def test_the_admin_areas_send_a_visitor_to_the_site_login(client, db, path):
    response = client.get(path, follow=True)
    final_url, _status = response.redirect_chain[-1]
    assert final_url.startswith(reverse("account_login"))
    assert response.status_code == 200


def test_guessing_a_superuser_password_on_the_site_login_is_rate_limited(client, superuser):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": superuser.email, "password": "mauvais"})
    response = client.post(
        reverse("account_login"), {"login": superuser.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
