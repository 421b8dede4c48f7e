"""Factory fixtures for the discussions tests: people, clubs, memberships, threads and posts
(written through `messaging.actions`, as the site writes them), and real little files."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# --- Real little files --------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def image_bytes(image_format: str = "PNG", size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, image_format)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], *, mimetype_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype_first is not None:
            archive.writestr("mimetype", mimetype_first, compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>'
)


def ooxml_bytes(folder: str, main: str) -> bytes:
    return zip_bytes(
        {"[Content_Types].xml": CONTENT_TYPES_XML, f"{folder}/{main}": b"<?xml version='1.0'?><x/>"}
    )


def opendocument_bytes(mimetype: str) -> bytes:
    return zip_bytes(
        {"content.xml": b"<?xml version='1.0'?><office:document-content/>"},
        mimetype_first=mimetype,
    )


def ole2_bytes() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def executable_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def files():
    """Builders of real minimal files, and of uploads from them."""

    class Files:
        pdf = staticmethod(pdf_bytes)
        image = staticmethod(image_bytes)
        zip = staticmethod(zip_bytes)
        ooxml = staticmethod(ooxml_bytes)
        opendocument = staticmethod(opendocument_bytes)
        ole2 = staticmethod(ole2_bytes)
        executable = staticmethod(executable_bytes)
        upload = staticmethod(upload)

    return Files
