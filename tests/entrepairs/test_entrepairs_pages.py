"""The public pages, the dashboard, and who may enter the two administration areas."""

import pytest
from django.urls import reverse
from pages import html

pytestmark = pytest.mark.django_db


def test_a_visitor_sees_the_public_landing_page(client, demo_data):
    page = client.get("/").content.decode()
    assert "Comment rejoindre Entre pairs" in page
    assert 'href="/comptes/login/"' in page


def test_each_page_names_the_site_once_in_its_title(client, demo_data, django_user_model):
    assert html(client.get("/")).title.string == "Entre pairs"
    assert html(client.get("/mentions-legales/")).title.string == "Mentions légales — Entre pairs"
    client.force_login(django_user_model.objects.get(email="secretaire@demo.test"))
    assert html(client.get(reverse("home"))).title.string == "Accueil — Entre pairs"


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/mentions-legales/", "Mentions légales"),
        ("/accessibilite/", "Déclaration d&#x27;accessibilité"),
        ("/confidentialite/", "Politique de confidentialité"),
    ],
)
def test_legal_pages_are_public(client, demo_data, path, title):
    response = client.get(path)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.content.decode()


def test_the_landing_page_works_before_any_page_is_created(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "On y entre sur invitation" in response.content.decode()


def test_a_member_sees_the_dashboard_with_skip_link_and_landmarks(member_client):
    page = member_client.get(reverse("home")).content.decode()
    assert 'class="skip-link" href="#contenu"' in page
    assert '<main id="contenu"' in page
    assert 'aria-label="Menu principal"' in page
    assert "Bonjour, Claire Martin" in page


def test_a_missing_page_is_a_404(member_client):
    assert member_client.get("/nexiste-pas/").status_code == 404


def test_the_django_admin_is_for_superusers_only(client, make_user):
    staff = make_user("staff@exemple.fr", is_staff=True)
    client.force_login(staff)
    assert client.get("/administration-technique/", follow=True).status_code == 403
    client.force_login(make_user("root@exemple.fr", is_staff=True, is_superuser=True))
    assert client.get("/administration-technique/").status_code == 200


def test_wagtail_editor_opens_for_an_editor_and_not_for_a_member(client, demo_data, make_user):
    from community.models import User

    client.force_login(User.objects.get(email="equipe@demo.test"))
    assert client.get("/edition/").status_code == 200
    client.force_login(make_user("simple@exemple.fr"))
    assert client.get("/edition/").status_code in (302, 403)


def test_wagtail_login_page_sends_to_the_site_login(client):
    response = client.get("/edition/login/?next=/edition/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/comptes/login/?next=/edition/pages/"
