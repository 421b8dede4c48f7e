"""The demo's « Déclaration d'accessibilité » says what is tested, when, and how to complain."""

import pytest
from bs4 import BeautifulSoup

from cms.models import LegalPage

pytestmark = pytest.mark.django_db

# Each page type checked with axe-core in tests/e2e, as the statement names it.
TESTED_PAGE_TYPES = [
    "pages publiques",
    "connexion",
    "réinitialisation du mot de passe",
    "inscription",
    "tableau de bord",
    "liste des clubs",
    "page d'un club",
    "fil de discussion",
    "nouveau fil",
    "pages de modération",
    "liste des guides",
    "résultats de la recherche",
    "notifications et leurs préférences",
    "profil d'un membre",
    "annuaire",
    "Mon compte",
    "double authentification",
    "page introuvable",
    "accès refusé",
    "erreur du serveur",
]


def statement_text(client) -> str:
    response = client.get("/accessibilite/")
    assert response.status_code == 200
    main = BeautifulSoup(response.content, "html.parser").main
    assert main is not None
    return main.get_text(" ", strip=True)


def test_the_statement_lists_every_page_type_checked_and_the_checks(client, demo_data):
    text = statement_text(client)
    missing = [page_type for page_type in TESTED_PAGE_TYPES if page_type not in text]
    assert missing == []
    for check in ["RGAA 4.1", "A et AA des WCAG 2.1", "axe-core", "clavier seul"]:
        assert check in text
    assert "aria-live" in text


def test_the_statement_gives_the_date_of_the_last_check(client, demo_data):
    text = statement_text(client)
    assert "Dernière vérification : le 28 novembre 2026" in text
    assert "Dernière mise à jour : 28 novembre 2026" in text


def test_the_statement_says_what_is_not_tested_and_how_to_complain(client, demo_data):
    text = statement_text(client)
    assert "lecteur d'écran (NVDA, VoiceOver)" in text
    assert "Wagtail" in text
    assert "accessibilite@gip-numerique.example" in text
    assert "Défenseur des droits" in text


def test_seeding_again_keeps_the_statement_an_editor_rewrote(client, demo_data, seed_demo):
    statement = LegalPage.objects.get(slug="accessibilite")
    statement.body = "<p>Audit complet réalisé par un organisme extérieur.</p>"
    statement.save()
    seed_demo()
    assert "Audit complet réalisé" in statement_text(client)
    assert "axe-core" not in statement_text(client)
