"""The demo's page tree: the guide index, one guide per profession, one for every member."""

import pytest
from wagtail.models import WorkflowPage

from cms.editorial import EDITORS, REVIEWERS, WORKFLOW
from cms.models import GuideIndexPage, GuidePage, HomePage
from community.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_guide_per_profession_and_one_for_all(demo_data):
    index = GuideIndexPage.objects.get()
    assert index.get_parent().specific_class is HomePage
    assert index.url == "/guides/"
    audiences = {
        guide.title: sorted(guide.audience.values_list("slug", flat=True))
        for guide in GuidePage.objects.live()
    }
    assert audiences == {
        "Préparer le budget primitif": ["secretaires-de-mairie"],
        "Trier les archives communales": ["archivistes"],
        "Passer un marché à procédure adaptée": ["acheteurs-publics"],
        "Bien utiliser Entre pairs": [],
    }
    assert WorkflowPage.objects.get(page=index).workflow.name == WORKFLOW


def test_the_demo_staff_account_writes_and_reviews_guides(demo_data):
    groups = set(User.objects.get(email="equipe@demo.test").groups.values_list("name", flat=True))
    assert {"Editors", EDITORS, REVIEWERS} <= groups


def test_a_demo_member_reads_the_guide_of_their_profession(client_for, demo_data):
    archivist = User.objects.get(email="archiviste@demo.test")
    client = client_for(archivist)
    assert client.get("/guides/trier-les-archives-communales/").status_code == 200
    assert client.get("/guides/preparer-le-budget-primitif/").status_code == 404
