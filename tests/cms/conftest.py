"""Page tree, guides, documents and images for the guides' tests."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.demo import ensure_landing_page
from cms.editorial import attach_to_guide_index
from cms.models import GuideIndexPage, GuidePage


def _quiet(_message):
    """The demo's log, unused here."""


@pytest.fixture
def home(db):
    return ensure_landing_page(_quiet)


@pytest.fixture
def guide_index(home):
    index = home.add_child(instance=GuideIndexPage(title="Guides pratiques", slug="guides"))
    attach_to_guide_index(index)
    return index


@pytest.fixture
def make_guide(guide_index):
    def make(title="Préparer le budget primitif", *, audience=(), body=(), live=True, slug=None):
        guide = GuidePage(
            title=title, slug=slug or f"guide-{GuidePage.objects.count()}", body=list(body)
        )
        guide.audience = list(audience)
        guide_index.add_child(instance=guide)
        revision = guide.save_revision()
        if live:
            revision.publish()
        else:
            guide.unpublish()
        guide.refresh_from_db()
        return guide

    return make


@pytest.fixture
def make_document(db):
    def make(title="Modèle de délibération", name="deliberation.pdf"):
        document = get_document_model()(title=title)
        document.file.save(name, ContentFile(b"%PDF-1.4 contenu"), save=True)
        return document

    return make


@pytest.fixture
def make_image(db):
    def make(title="Schéma du circuit budgétaire"):
        buffer = io.BytesIO()
        PillowImage.new("RGB", (40, 30), "navy").save(buffer, "PNG")
        return get_image_model().objects.create(
            title=title, file=ImageFile(buffer, name="schema.png")
        )

    return make


@pytest.fixture
def media_blocks(make_document, make_image):
    """A document and an image, and the two blocks of a guide's body that show them."""
    document, image = make_document(), make_image()
    blocks = [
        ("document", {"document": document, "label": ""}),
        ("image", {"image": {"image": image, "decorative": False, "alt_text": "Le schéma"}}),
    ]
    return document, image, blocks
