"""The demonstration discussions of `manage.py seed_demo`."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging import attachments, demo
from messaging.models import (
    Attachment,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    Thread,
    ThreadSubscription,
    visible_posts,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Thread,
            Post,
            Reaction,
            ReadState,
            ThreadSubscription,
            PostRevision,
            Attachment,
        )
    }


def stored_files(media_root) -> list:
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def titles(slug: str) -> set[str]:
    return set(Thread.objects.filter(club__slug=slug).values_list("title", flat=True))


def test_each_club_has_its_threads(demo_data):
    assert titles("secretaires-de-mairie") == {
        demo.WELCOME_TITLE,
        "Délibération pour le tarif de la cantine",
        "Durée de conservation des registres d'état civil",
        demo.LONG_THREAD_TITLE,
    }
    assert {demo.WELCOME_TITLE, "Tri des dossiers de permis de construire"} <= titles("archivistes")
    assert "Durée de conservation des registres d'état civil" not in titles("archivistes")
    assert titles("acheteurs-publics") == {
        demo.WELCOME_TITLE,
        "Seuils des marchés publics en 2026",
        "MAPA travaux : publicité adaptée ?",
    }
    assert titles("referents-rgpd") == {demo.WELCOME_TITLE}


def test_each_club_has_one_pinned_welcome_thread(demo_data):
    for slug in ("secretaires-de-mairie", "archivistes", "acheteurs-publics", "referents-rgpd"):
        pinned = Thread.objects.filter(club__slug=slug, pinned=True)
        assert [t.title for t in pinned] == [demo.WELCOME_TITLE], slug


def test_the_long_thread_has_2000_posts_and_a_correct_summary(demo_data):
    thread = Thread.objects.get(title=demo.LONG_THREAD_TITLE)
    posts = thread.posts.order_by("id")
    assert posts.count() == 2000
    assert thread.post_count == 2000
    assert thread.last_post == posts.last()
    assert thread.last_activity_at == posts.last().created_at
    assert thread.created_at == posts.first().created_at
    dates = list(posts.values_list("created_at", flat=True))
    assert dates == sorted(dates)
    assert (dates[-1] - dates[0]).days >= 28  # spread over past weeks
    assert all(post.html.startswith("<p>") for post in posts[:50])


def test_the_demo_reader_has_a_few_unread_posts_in_the_long_thread(demo_data):
    thread = Thread.objects.get(title=demo.LONG_THREAD_TITLE)
    state = ReadState.objects.get(user__email=demo.LONG_THREAD_READER, thread=thread)
    unread = thread.posts.filter(id__gt=state.last_read_post_id).count()
    assert unread == demo.LONG_THREAD_UNREAD


def test_a_solved_thread_with_reactions_and_a_mention(demo_data):
    thread = Thread.objects.get(title="Délibération pour le tarif de la cantine")
    posts = list(thread.posts.order_by("id"))
    assert len(posts) == 4  # the question and three replies
    assert thread.is_solved
    assert thread.accepted_answer == posts[2]
    assert thread.accepted_answer.author.email == "moderatrice@demo.test"
    assert Reaction.objects.filter(post__thread=thread).count() >= 2
    mentioned = posts[3].mentions.get()
    assert mentioned.email == "moderatrice@demo.test"
    assert f'href="/membres/{mentioned.profile.handle}/"' in posts[3].html


def test_thread_summaries_match_their_posts(demo_data):
    for thread in Thread.objects.all():
        visible = thread.posts.filter(visible_posts())
        assert thread.post_count == visible.count(), thread.title
        assert thread.last_post == visible.order_by("-id").first(), thread.title
        assert thread.last_activity_at == thread.last_post.created_at, thread.title


def test_authors_are_members_and_follow_their_threads(demo_data):
    for post in Post.objects.select_related("thread__club", "author").exclude(
        thread__title=demo.LONG_THREAD_TITLE
    ):
        assert post.author.club_memberships.filter(club=post.thread.club).exists()
        assert ThreadSubscription.objects.filter(user=post.author, thread=post.thread).exists()


def test_the_thresholds_thread_shows_a_table(demo_data):
    first = (
        Thread.objects.get(title="Seuils des marchés publics en 2026").posts.order_by("id").first()
    )
    assert "<table>" in first.html
    assert "<th>Seuil</th>" in first.html


def test_running_the_seed_twice_creates_nothing_new(demo_data, seed_demo, media_root):
    before = counts()
    assert before["Post"] > 2000
    assert before["Attachment"] == 1
    files = stored_files(media_root)
    assert len(files) == 1
    seed_demo()
    assert counts() == before
    assert stored_files(media_root) == files


def test_the_messaging_seed_alone_is_idempotent_and_quiet(demo_data):
    before = counts()
    logged = []
    demo.seed(logged.append)
    assert logged == []
    assert counts() == before


# --- The attached model deliberation ------------------------------------------------------------


def test_a_reply_of_the_canteen_thread_carries_the_model_deliberation_once(demo_data):
    thread = Thread.objects.get(title="Délibération pour le tarif de la cantine")
    attachment = Attachment.objects.get(original_name="Modele-deliberation-tarifs-cantine.pdf")
    question, reply, *_rest = thread.posts.order_by("id")
    assert attachment.post == reply
    assert attachment.uploaded_by == reply.author
    assert reply.author.email == "isabelle.garnier@demo.test"
    assert "Je vous joins notre modèle" in reply.source
    assert not question.attachments.exists()
    assert Attachment.objects.count() == 1
    assert attachment.content_type == "application/pdf"
    assert not attachment.is_image
    with attachment.file.open("rb") as stored:
        content = stored.read()
    assert attachment.size == len(content)
    assert attachment.file.name.endswith(".pdf")
    assert "Modele" not in attachment.file.name  # stored under a random name


def test_the_model_deliberation_is_a_one_page_pdf_with_a_correct_cross_reference_table():
    pdf = demo.canteen_model_pdf()
    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.endswith(b"%%EOF\n")
    assert pdf.count(b"/Type /Page ") == 1
    assert b"/Count 1" in pdf
    # startxref gives where the table starts; each entry gives where its object starts.
    xref_at = int(re.search(rb"startxref\n(\d+)\n%%EOF", pdf).group(1))
    assert pdf[xref_at:].startswith(b"xref\n0 ")
    table = re.match(rb"xref\n0 (\d+)\n((?:\d{10} \d{5} [nf] \n)+)trailer", pdf[xref_at:])
    size = int(table.group(1))
    entries = table.group(2).split(b" \n")[:-1]
    assert len(entries) == size
    for number, entry in enumerate(entries[1:], start=1):
        offset = int(entry[:10])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)
    assert b"/Size %d" % size in pdf
    # The content stream is as long as it says.
    length = int(re.search(rb"/Length (\d+) >>\nstream\n", pdf).group(1))
    stream = pdf.split(b"stream\n", 1)[1].split(b"\nendstream", 1)[0]
    assert len(stream) == length
    # The text is there, in the WinAnsi encoding of the standard fonts.
    assert "(Modèle de délibération : tarifs de la cantine)".encode("cp1252") in stream
    assert "3,40 €".encode("cp1252") in stream


def test_the_model_deliberation_passes_the_checks_of_a_members_upload():
    upload = SimpleUploadedFile(
        demo.CANTEEN_MODEL_NAME, demo.canteen_model_pdf(), content_type="text/html"
    )
    [checked] = attachments.check_uploads([upload])
    assert checked.name == "Modele-deliberation-tarifs-cantine.pdf"
    assert checked.content_type == "application/pdf"


def test_a_pdf_string_escapes_parentheses_and_backslashes():
    assert demo._pdf_text("a (b) \\ c") == b"(a \\(b\\) \\\\ c)"
