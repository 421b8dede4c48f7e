"""Files attached to posts: what is accepted, and how it is stored.

An upload is judged on its content, never on what the browser says about it:
- its extension must be on the allow-list below;
- its first bytes (and, for the ZIP-based office formats, the names inside the archive) must
  match that extension: an executable renamed `.pdf`, an HTML page renamed `.png` or a text file
  renamed `.docx` are refused;
- images are decoded with Pillow, so that a broken or hostile image is refused too; SVG (which
  can carry scripts) is not accepted;
- text files (csv, txt) must be text: UTF-8 or Latin-1, without NUL or control bytes;
- when ClamAV's daemon is configured, it must find nothing in the file (`messaging.antivirus`).

The stored content type is the canonical one of the extension. The displayed name is a cleaned
basename; the name on disk is random (`models.attachment_path`). Actions call `check_uploads`
before they write anything, then `store` once the post exists.
"""

import codecs
import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image

from community.action_errors import ActionError

from . import antivirus
from .models import Attachment

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS_PER_POST = 5
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 150
# An image larger than this (in pixels) is refused before it is decoded: 50 megapixels is more
# than any phone or scanner produces, and far less than what a decompression bomb asks for.
MAX_IMAGE_PIXELS = 50_000_000
HEAD_BYTES = 8192

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive

# extension -> canonical content type
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "csv": "text/csv",
    "txt": "text/plain",
    "zip": "application/zip",
}
ALLOWED_EXTENSIONS = frozenset(CONTENT_TYPES)

# Office Open XML: the folder that the archive must hold.
OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
# OpenDocument: the `mimetype` member's exact content is the extension's content type.
OPENDOCUMENT = {"odt", "ods", "odp"}
LEGACY_OFFICE = {"doc", "xls", "ppt"}
TEXT = {"csv", "txt"}
# image extension -> (what filetype may find, what Pillow must find)
IMAGES = {
    "png": ({"image/png", "image/apng"}, "PNG"),
    "jpg": ({"image/jpeg"}, "JPEG"),
    "jpeg": ({"image/jpeg"}, "JPEG"),
    "gif": ({"image/gif"}, "GIF"),
    "webp": ({"image/webp"}, "WEBP"),
}
# Control characters that a text file may hold: tab, line feed, vertical tab, form feed,
# carriage return, and the old DOS end-of-file mark.
TEXT_CONTROLS_REFUSED = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    name: str
    content_type: str
    is_image: bool


# --- Names and sizes ----------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def human_size(size: int) -> str:
    """A size as French readers write it: « 20 Mo », « 1,5 Mo », « 512 Ko »."""
    if size >= 1024 * 1024:
        value, unit = size / (1024 * 1024), _("Mo")
    elif size >= 1024:
        value, unit = size / 1024, _("Ko")
    else:
        return ngettext("%(count)d octet", "%(count)d octets", size) % {"count": size}
    number = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{number}\u00a0{unit}"


def clean_name(raw: str | None) -> str:
    """A safe name to show and to offer on download: the basename only (no folder of the
    uploader's computer), no control or invisible formatting characters (a right-to-left
    override can disguise `exe.pdf` as `fdp.exe`), no leading dots, at most 150 characters with
    the extension kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for char in name:
        if char.isspace():
            kept.append(" ")
        elif not unicodedata.category(char).startswith("C"):  # controls, formatting, unassigned
            kept.append(char)
    name = " ".join("".join(kept).split()).rstrip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem.strip(" .") or _("fichier")
    extension = extension.strip()
    if not extension:
        return stem[:MAX_NAME_LENGTH]
    extension = extension[:20]  # a longer "extension" is refused anyway
    stem = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .") or _("fichier")
    return f"{stem}.{extension}"


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


# --- Reading ------------------------------------------------------------------------------------


def _read(upload: UploadedFile, size: int | None = None) -> bytes:
    upload.seek(0)
    data = upload.read() if size is None else upload.read(size)
    upload.seek(0)
    return data


class AttachmentRefused(ActionError):
    """A file refused: the form shows the message next to its file field."""


def _refuse(message: str, name: str, code: str) -> ActionError:
    return AttachmentRefused(message % {"name": name}, code)


def _mismatch(name: str) -> ActionError:
    return _refuse(
        _(
            "Le contenu du fichier « %(name)s » ne correspond pas à son extension : "
            "il a été refusé. Enregistrez-le à nouveau dans son format d'origine."
        ),
        name,
        "content_mismatch",
    )


def _open_zip(upload: UploadedFile, head: bytes) -> zipfile.ZipFile | None:
    """The upload as a ZIP archive, if it is one from its very first byte (an executable with an
    archive glued at its end is not)."""
    if not head.startswith(ZIP_MAGICS):
        return None
    upload.seek(0)
    try:
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None


def _zip_matches(upload: UploadedFile, head: bytes, extension: str) -> bool:
    archive = _open_zip(upload, head)
    if archive is None:
        return False
    try:
        names = archive.namelist()
        if extension == "zip":
            return True
        if extension in OOXML_FOLDERS:
            folder = OOXML_FOLDERS[extension]
            return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
        if extension in OPENDOCUMENT:
            if "mimetype" not in names or archive.getinfo("mimetype").file_size > 200:
                return False
            declared = archive.read("mimetype").decode("ascii", "replace").strip()
            return declared == CONTENT_TYPES[extension]
        return False
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError):
        # RuntimeError: an encrypted member; NotImplementedError (subclass) for odd compressions.
        return False
    finally:
        archive.close()
        upload.seek(0)


def _image_matches(upload: UploadedFile, head: bytes, extension: str) -> bool:
    sniffed_types, pillow_format = IMAGES[extension]
    kind = filetype.guess(head)
    if kind is None or kind.mime not in sniffed_types:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format != pillow_format:
                    return False
                width, height = image.size
                if width < 1 or height < 1 or width * height > MAX_IMAGE_PIXELS:
                    return False
                image.verify()
            # `verify` leaves the image unusable: decode it again, fully, to catch truncation.
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except Exception as error:  # Pillow raises many kinds of errors on hostile input: refuse.
        logger.info("Image .%s refusée, Pillow ne sait pas la décoder : %s", extension, error)
        return False
    finally:
        upload.seek(0)
    return True


def _text_charset(upload: UploadedFile, head: bytes) -> str | None:
    """The charset of a text file ("utf-8" or "iso-8859-1"), or None if it is not text."""
    if filetype.guess(head) is not None:  # a known binary format, whatever its extension says
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    upload.seek(0)
    try:
        for chunk in upload.chunks():
            if TEXT_CONTROLS_REFUSED.search(chunk):
                return None
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    finally:
        upload.seek(0)
    # Every byte decodes in Latin-1 (and Windows-1252): what matters is that no control byte is
    # there, which was checked above.
    return "utf-8" if utf8 else "iso-8859-1"


# --- Checking -----------------------------------------------------------------------------------


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Accept one uploaded file, or raise `ActionError` with a French message naming it."""
    name = clean_name(getattr(upload, "name", ""))
    extension = extension_of(name)
    if extension not in ALLOWED_EXTENSIONS:
        raise _refuse(
            _(
                "Le fichier « %(name)s » n'est pas d'un type accepté. Formats acceptés : PDF, "
                "Word, Excel, PowerPoint, OpenDocument, images (PNG, JPEG, GIF, WebP), CSV, "
                "texte et ZIP."
            ),
            name,
            "extension",
        )
    size = upload.size or 0
    if size <= 0:
        raise _refuse(_("Le fichier « %(name)s » est vide."), name, "empty")
    limit = max_bytes()
    if size > limit:
        raise AttachmentRefused(
            _("Le fichier « %(name)s » est trop gros : %(limit)s au plus par fichier.")
            % {"name": name, "limit": human_size(limit)},
            "too_big",
        )

    head = _read(upload, HEAD_BYTES)
    content_type = CONTENT_TYPES[extension]
    is_image = extension in IMAGES
    if extension == "pdf":
        matches = head.startswith(b"%PDF-")
    elif extension in LEGACY_OFFICE:
        matches = head.startswith(OLE2_MAGIC)
    elif extension in OOXML_FOLDERS or extension in OPENDOCUMENT or extension == "zip":
        matches = _zip_matches(upload, head, extension)
    elif is_image:
        matches = _image_matches(upload, head, extension)
    else:  # csv, txt
        charset = _text_charset(upload, head)
        matches = charset is not None
        if matches:
            content_type = f"{content_type}; charset={charset}"
    if not matches:
        raise _mismatch(name)
    upload.seek(0)
    return CheckedUpload(upload=upload, name=name, content_type=content_type, is_image=is_image)


def check_uploads(uploads: Sequence[UploadedFile]) -> list[CheckedUpload]:
    """Accept the files of one post (five at most), or raise `ActionError` for the first one
    refused. Call it before writing anything."""
    uploads = [upload for upload in uploads if upload is not None]
    if len(uploads) > MAX_ATTACHMENTS_PER_POST:
        raise AttachmentRefused(
            ngettext(
                "Un message peut porter %(max)d pièce jointe au plus (vous en avez joint "
                "%(count)d).",
                "Un message peut porter %(max)d pièces jointes au plus (vous en avez joint "
                "%(count)d).",
                MAX_ATTACHMENTS_PER_POST,
            )
            % {"max": MAX_ATTACHMENTS_PER_POST, "count": len(uploads)},
            "too_many_files",
        )
    checked = [check_upload(upload) for upload in uploads]
    for each in checked:
        scan_upload(each)
    return checked


def scan_upload(checked: CheckedUpload) -> None:
    """Refuse the file if the antivirus finds something in it, or, unless `CLAMD_FAIL_OPEN`,
    if it cannot be asked (an unscanned file is not let through quietly)."""
    address = antivirus.scanner_address()
    if address is None:
        return
    upload = checked.upload
    upload.seek(0)
    try:
        found = antivirus.scan(upload.chunks(), address=address, timeout=settings.CLAMD_TIMEOUT)
    except antivirus.ScannerUnavailable as error:
        if settings.CLAMD_FAIL_OPEN:
            logger.warning(
                "Antivirus injoignable, « %s » accepté sans analyse : %s", checked.name, error
            )
            return
        logger.error("Antivirus injoignable, « %s » refusé : %s", checked.name, error)
        raise _refuse(
            _(
                "Le fichier « %(name)s » n'a pas pu être analysé par l'antivirus, "
                "momentanément indisponible : réessayez plus tard."
            ),
            checked.name,
            "scanner_unavailable",
        ) from error
    finally:
        upload.seek(0)
    if found is not None:
        logger.warning("Antivirus : « %s » refusé (%s)", checked.name, found)
        raise AttachmentRefused(
            _(
                "L'antivirus a trouvé un contenu dangereux dans le fichier « %(name)s » "
                "(%(threat)s) : il a été refusé."
            )
            % {"name": checked.name, "threat": found},
            "infected",
        )


# --- Storing ------------------------------------------------------------------------------------


def store(*, post, checked_uploads: Sequence[CheckedUpload], uploader) -> list[Attachment]:
    """Save the checked files through Django's storage (under a random name) and attach them to
    the post."""
    stored = []
    for checked in checked_uploads:
        upload = checked.upload
        upload.seek(0)
        attachment = Attachment(
            post=post,
            uploaded_by=uploader,
            original_name=checked.name,
            content_type=checked.content_type,
            size=upload.size or 0,
            is_image=checked.is_image,
        )
        # The storage name is built by `attachment_path`: only the extension of this name is kept.
        attachment.file.save(checked.name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


# --- Addresses ----------------------------------------------------------------------------------


def download_url(attachment: Attachment, club_slug: str) -> str:
    """Where a member downloads the file (the name at the end is only for the reader's eyes)."""
    return reverse(
        "messaging:attachment", args=[club_slug, attachment.pk, attachment.original_name]
    )


def preview_url(attachment: Attachment, club_slug: str) -> str:
    """Where an image attachment is shown inline (for `<img src>`)."""
    return reverse("messaging:attachment_preview", args=[club_slug, attachment.pk])
