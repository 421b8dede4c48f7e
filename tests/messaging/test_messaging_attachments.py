"""What files a post accepts, judged on their content, and how they are stored."""

import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from community.action_errors import ActionError
from messaging import actions, attachments
from messaging.attachments import check_upload, check_uploads, clean_name, human_size
from messaging.models import Attachment


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def refusal(name: str, content: bytes) -> ActionError:
    with pytest.raises(ActionError) as caught:
        check_upload(upload(name, content))
    return caught.value


# --- Accepted -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "content_type", "is_image"),
    [
        ("compte-rendu.pdf", lambda f: f.pdf(), "application/pdf", False),
        ("modele.docx", lambda f: f.ooxml("word", "document.xml"), DOCX, False),
        ("budget.xlsx", lambda f: f.ooxml("xl", "workbook.xml"), XLSX, False),
        ("formation.pptx", lambda f: f.ooxml("ppt", "presentation.xml"), PPTX, False),
        ("ancien.doc", lambda f: f.ole2(), "application/msword", False),
        ("ancien.xls", lambda f: f.ole2(), "application/vnd.ms-excel", False),
        ("ancien.ppt", lambda f: f.ole2(), "application/vnd.ms-powerpoint", False),
        (
            "note.odt",
            lambda f: f.opendocument("application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
            False,
        ),
        (
            "tableau.ods",
            lambda f: f.opendocument("application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
            False,
        ),
        (
            "diaporama.odp",
            lambda f: f.opendocument("application/vnd.oasis.opendocument.presentation"),
            "application/vnd.oasis.opendocument.presentation",
            False,
        ),
        ("plan.png", lambda f: f.image("PNG"), "image/png", True),
        ("photo.jpg", lambda f: f.image("JPEG"), "image/jpeg", True),
        ("photo.jpeg", lambda f: f.image("JPEG"), "image/jpeg", True),
        ("logo.gif", lambda f: f.image("GIF"), "image/gif", True),
        ("capture.webp", lambda f: f.image("WEBP"), "image/webp", True),
        (
            "elus.csv",
            lambda f: "nom;commune\nDupré;Évian\n".encode(),
            "text/csv; charset=utf-8",
            False,
        ),
        (
            "elus-excel.csv",
            lambda f: "nom;commune\nDupré;Évian\r\n".encode("latin-1"),
            "text/csv; charset=iso-8859-1",
            False,
        ),
        (
            "lisez-moi.txt",
            lambda f: "Bonjour\tà tous\n".encode(),
            "text/plain; charset=utf-8",
            False,
        ),
        ("dossier.zip", lambda f: f.zip({"a.txt": b"a"}), "application/zip", False),
    ],
)
def test_each_accepted_type_passes_with_its_canonical_content_type(
    files, name, build, content_type, is_image
):
    checked = check_upload(upload(name, build(files)))
    assert checked.name == name
    assert checked.content_type == content_type
    assert checked.is_image is is_image


def test_the_browser_content_type_is_never_trusted(files):
    checked = check_upload(upload("rapport.pdf", files.pdf(), content_type="text/html"))
    assert checked.content_type == "application/pdf"


def test_an_uppercase_extension_is_accepted(files):
    checked = check_upload(upload("SCAN.PDF", files.pdf()))
    assert checked.name == "SCAN.PDF"
    assert checked.content_type == "application/pdf"


def test_the_upload_is_rewound_after_the_checks(files):
    uploaded = upload("photo.png", files.image("PNG"))
    check_upload(uploaded)
    assert uploaded.read() == files.image("PNG")


# --- Refused ------------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_with_the_limit_in_mo(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    error = refusal("gros.txt", b"a" * (1024 * 1024 + 1))
    assert error.code == "too_big"
    assert "« gros.txt »" in str(error)
    assert "1\u00a0Mo" in str(error)


def test_a_file_at_the_limit_is_accepted(settings):
    settings.ATTACHMENT_MAX_BYTES = 2048
    assert check_upload(upload("juste.txt", b"a" * 2048)).name == "juste.txt"


def test_the_default_limit_is_twenty_mo(settings):
    del settings.ATTACHMENT_MAX_BYTES
    assert attachments.max_bytes() == 20 * 1024 * 1024
    assert human_size(attachments.max_bytes()) == "20\u00a0Mo"


def test_sizes_are_written_the_french_way():
    assert human_size(int(1.5 * 1024 * 1024)) == "1,5\u00a0Mo"
    assert human_size(512 * 1024) == "512\u00a0Ko"


def test_an_empty_file_is_refused():
    error = refusal("vide.pdf", b"")
    assert error.code == "empty"
    assert str(error) == "Le fichier « vide.pdf » est vide."


@pytest.mark.parametrize(
    "name", ["setup.exe", "logo.svg", "page.html", "script.js", "macro.docm", "sans-extension"]
)
def test_a_forbidden_extension_is_refused(name):
    error = refusal(name, b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert error.code == "extension"
    assert f"« {name} »" in str(error)
    assert "n'est pas d'un type accepté" in str(error)


def test_an_executable_renamed_pdf_is_refused(files):
    error = refusal("facture.pdf", files.executable())
    assert error.code == "content_mismatch"
    assert "Le contenu du fichier « facture.pdf » ne correspond pas à son extension" in str(error)


def test_html_renamed_png_is_refused():
    error = refusal("joli.png", b"<html><script>alert(document.cookie)</script></html>")
    assert error.code == "content_mismatch"


def test_svg_renamed_png_is_refused():
    error = refusal("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    assert error.code == "content_mismatch"


def test_a_text_file_renamed_docx_is_refused():
    assert refusal("modele.docx", b"Ceci n'est pas un document Word.").code == "content_mismatch"


def test_a_zip_without_the_word_folder_is_not_a_docx(files):
    fake = files.zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})
    assert refusal("modele.docx", fake).code == "content_mismatch"


def test_an_opendocument_with_the_wrong_mimetype_member_is_refused(files):
    spreadsheet = files.opendocument("application/vnd.oasis.opendocument.spreadsheet")
    assert refusal("note.odt", spreadsheet).code == "content_mismatch"


def test_a_zip_without_mimetype_is_not_an_opendocument(files):
    assert refusal("note.odt", files.zip({"content.xml": b"<x/>"})).code == "content_mismatch"


def test_an_executable_with_a_zip_glued_at_its_end_is_refused(files):
    self_extracting = files.executable() + files.zip({"a.txt": b"a"})
    assert refusal("archive.zip", self_extracting).code == "content_mismatch"


def test_a_legacy_office_extension_needs_the_ole2_signature(files):
    assert refusal("ancien.doc", files.pdf()).code == "content_mismatch"


def test_a_broken_png_is_refused(files):
    truncated = files.image("PNG", size=(64, 64))[:-30]
    assert refusal("plan.png", truncated).code == "content_mismatch"


def test_a_png_with_a_corrupted_body_is_refused(files):
    data = bytearray(files.image("PNG", size=(64, 64)))
    start = data.index(b"IDAT") + 8
    data[start : start + 10] = b"\x00" * 10
    assert refusal("plan.png", bytes(data)).code == "content_mismatch"


def test_an_image_of_absurd_dimensions_is_refused_before_it_is_decoded():
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 2, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    assert refusal("bombe.png", bomb).code == "content_mismatch"


def test_a_jpeg_renamed_png_is_refused(files):
    assert refusal("photo.png", files.image("JPEG")).code == "content_mismatch"


def test_a_binary_file_renamed_csv_is_refused():
    assert refusal("export.csv", b"nom;commune\n\x00\x01\x02").code == "content_mismatch"


def test_a_pdf_renamed_txt_is_refused(files):
    assert refusal("notes.txt", files.pdf()).code == "content_mismatch"


def test_more_than_five_files_are_refused():
    uploads = [upload(f"piece-{n}.txt", b"texte") for n in range(6)]
    with pytest.raises(ActionError) as caught:
        check_uploads(uploads)
    assert caught.value.code == "too_many_files"
    assert "5 pièces jointes au plus" in str(caught.value)


def test_five_files_are_accepted():
    checked = check_uploads([upload(f"piece-{n}.txt", b"texte") for n in range(5)])
    assert [c.name for c in checked] == [f"piece-{n}.txt" for n in range(5)]


def test_check_uploads_stops_at_the_first_refused_file(files):
    with pytest.raises(ActionError) as caught:
        check_uploads([upload("bon.txt", b"texte"), upload("mauvais.exe", files.executable())])
    assert "« mauvais.exe »" in str(caught.value)


# --- Names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\claire\\Documents\\rapport.pdf", "rapport.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/home/claire/note.txt", "note.txt"),
        ("facture\u202efdp.exe", "facturefdp.exe"),
        ("ligne\nretour\r\x00.txt", "ligne retour.txt"),
        ("  espaces   multiples  .pdf", "espaces multiples.pdf"),
        (".pdf", "fichier.pdf"),
        ("rapport.pdf.", "rapport.pdf"),
        ("", "fichier"),
    ],
)
def test_the_displayed_name_is_a_clean_basename(raw, clean):
    assert clean_name(raw) == clean


def test_a_long_name_is_cut_to_150_characters_keeping_the_extension():
    name = clean_name("é" * 300 + ".pdf")
    assert len(name) == 150
    assert name.endswith("é.pdf")


def test_a_right_to_left_override_cannot_disguise_an_executable(files):
    # « facture‮fdp.exe » shows as « facture exe.pdf » in some file managers.
    error = refusal("facture\u202efdp.exe", files.executable())
    assert error.code == "extension"


# --- Storing ------------------------------------------------------------------------------------


def test_files_are_stored_under_a_random_name_without_the_uploaders_path(
    files, club, author, make_thread
):
    thread = make_thread(
        club,
        author,
        uploads=[
            upload("C:\\Users\\bruno\\Bureau\\compte rendu.pdf", files.pdf()),
            upload("plan.png", files.image("PNG")),
        ],
    )
    pdf, png = Attachment.objects.filter(post__thread=thread).order_by("pk")
    assert pdf.original_name == "compte rendu.pdf"
    assert pdf.content_type == "application/pdf"
    assert pdf.size == len(files.pdf())
    assert pdf.is_image is False
    assert pdf.uploaded_by == author
    assert re.fullmatch(r"pieces-jointes/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", pdf.file.name)
    assert "bruno" not in pdf.file.name and "compte" not in pdf.file.name
    with pdf.file.open("rb") as stored:
        assert stored.read() == files.pdf()
    assert png.is_image is True
    assert png.file.name.endswith(".png")
    assert png.file.name != pdf.file.name


def test_a_refused_file_leaves_no_post_behind(files, club, author, make_thread, make_post):
    thread = make_thread(club, author)
    with pytest.raises(ActionError):
        make_post(thread, author, uploads=[upload("virus.pdf", files.executable())])
    assert thread.posts.count() == 1
    assert Attachment.objects.count() == 0


def test_store_saves_through_the_storage_api(club, author, make_thread):
    thread = make_thread(club, author)
    post = thread.posts.get()
    checked = check_uploads([upload("a.txt", b"un"), upload("b.csv", b"x;y\n")])
    stored = attachments.store(post=post, checked_uploads=checked, uploader=author)
    assert [a.original_name for a in stored] == ["a.txt", "b.csv"]
    assert all(a.file.storage.exists(a.file.name) for a in stored)
    assert [a.content_type for a in stored] == [
        "text/plain; charset=utf-8",
        "text/csv; charset=utf-8",
    ]


def test_actions_refuse_a_disguised_file_before_writing(club, author):
    with pytest.raises(ActionError):
        actions.start_thread(
            author=author,
            club=club,
            title="Essai",
            source="Texte",
            uploads=[upload("joli.png", b"<html></html>")],
        )
    assert not club.threads.exists()
