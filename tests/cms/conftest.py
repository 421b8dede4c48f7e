"""Documents and images for the guides' tests (the page tree and guides: tests/conftest.py)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model


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
