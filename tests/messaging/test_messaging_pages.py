"""The discussion pages through the test client: every view of messaging/views.py, its success,
the French message it shows, and each way it refuses (never with a 500)."""

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pages import flashes, html, markup, text, words

from clubs.models import Ban, Club, Role
from messaging import actions, selectors
from messaging.models import (
    Attachment,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    Thread,
    ThreadSubscription,
)

pytestmark = pytest.mark.django_db


# --- Helpers ------------------------------------------------------------------------------------


def thread_url(thread) -> str:
    thread.refresh_from_db()
    return reverse("messaging:thread", args=[thread.club.slug, thread.pk])


def thread_view(name: str, thread) -> str:
    return reverse(f"messaging:{name}", args=[thread.club.slug, thread.pk])


def post_view(name: str, post) -> str:
    return reverse(f"messaging:{name}", args=[post.thread.club.slug, post.pk])


def shown_post_ids(response) -> list[int]:
    articles = html(response).select("article.post")
    return [int(str(article["data-post-id"])) for article in articles]


def html_of(fragment: str) -> BeautifulSoup:
    return BeautifulSoup(fragment, "html.parser")


def reply_textarea(response):
    return html(response).select_one("form[data-live-reply] textarea[name=source]")


def error_of(response, field: str) -> str:
    """The error shown next to a field, which the field names (aria-describedby, aria-invalid)
    and which takes the focus."""
    page = html(response)
    control = page.select_one(f"[name={field}]")
    error = page.select_one(f"#id_{field}_error")
    assert error is not None, f"no error next to {field}"
    assert f"id_{field}_error" in control["aria-describedby"].split()
    assert control["aria-invalid"] == "true"
    assert control.has_attr("autofocus")
    return words(error)


def refused_reply(response, field: str) -> str:
    """A refused reply: the thread page again (400), scrolled to the form, the error next to
    the field; returns the error."""
    assert response.status_code == 400
    form = html(response).select_one("form[data-live-reply]")
    assert form["action"].endswith("#repondre")
    assert len(html(response).select("[autofocus]")) == 1
    return error_of(response, field)


@pytest.fixture
def thread(club, author, make_thread):
    """Bruno Petit's question in the club."""
    return make_thread(
        club, author, title="Délibération budgétaire", source="Comment rédigez-vous la vôtre ?"
    )


@pytest.fixture
def answer(thread, moderator, make_post):
    """Nadia Lefèvre's reply to the question."""
    return make_post(thread, moderator, source="Voici notre modèle de délibération.")


@pytest.fixture
def posts(thread, author, member, make_post):
    """The question and four replies, oldest first."""
    replies = [
        make_post(thread, member if n % 2 else author, source=f"Réponse numéro {n}.")
        for n in range(1, 5)
    ]
    return [thread.posts.order_by("id").first(), *replies]


@pytest.fixture
def small_windows(monkeypatch):
    """Two posts per window, so that windows show with a handful of posts."""
    monkeypatch.setattr(selectors, "POSTS_PER_PAGE", 2)


@pytest.fixture
def archived(club):
    club.archived = True
    club.save(update_fields=["archived"])
    return club


def pdf_upload(files, name="compte-rendu.pdf"):
    return SimpleUploadedFile(name, files.pdf(), content_type="application/pdf")


def exe_upload(files, name="outil.exe"):
    return SimpleUploadedFile(name, files.executable(), content_type="application/octet-stream")


# --- New thread ---------------------------------------------------------------------------------


def test_the_new_thread_page_shows_an_empty_form_with_a_hidden_client_id(club, member, client_for):
    response = client_for(member).get(reverse("messaging:new_thread", args=[club.slug]))
    assert response.status_code == 200
    page = html(response)
    form = page.select_one("form[enctype='multipart/form-data']")
    assert form.select_one("input[name=title]") is not None
    assert form.select_one("textarea[name=source]") is not None
    assert form.select_one("input[type=file][name=uploads]") is not None
    client_id = form.select_one("input[type=hidden][name=client_id]")
    assert len(client_id["value"]) == 32
    assert "Nouveau fil de discussion" in text(response)


def test_posting_a_new_thread_creates_it_with_its_first_post_and_says_so(club, member, client_for):
    response = client_for(member).post(
        reverse("messaging:new_thread", args=[club.slug]),
        {"title": "Tarif de la cantine", "source": "Faut-il une **délibération** ?"},
        follow=True,
    )
    thread = Thread.objects.get()
    assert response.redirect_chain == [(thread_url(thread), 302)]
    assert flashes(response) == ["Fil de discussion publié."]
    assert (thread.club, thread.author, thread.title) == (club, member, "Tarif de la cantine")
    post = thread.posts.get()
    assert post.author == member
    assert "<strong>délibération</strong>" in post.html
    assert "Tarif de la cantine" in html(response).h1.get_text()
    assert "Faut-il une délibération ?" in text(response)


@pytest.mark.parametrize(
    ("data", "fields_in_error"),
    [
        ({"title": "", "source": ""}, {"title", "source"}),
        ({"title": "Un titre", "source": "   "}, {"source"}),
        ({"title": "   ", "source": "Un message"}, {"title"}),
        ({"title": "x" * 201, "source": "Un message"}, {"title"}),
    ],
)
def test_a_new_thread_without_title_or_body_is_shown_again_with_errors(
    club, member, client_for, data, fields_in_error
):
    response = client_for(member).post(reverse("messaging:new_thread", args=[club.slug]), data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == fields_in_error
    page = html(response)
    assert page.select_one(".form-errors[role=alert]") is not None
    assert len(page.select(".field--error")) == len(fields_in_error)
    assert Thread.objects.count() == 0
    assert Post.objects.count() == 0


def test_a_new_thread_sent_twice_with_the_same_client_id_makes_one_thread(club, member, client_for):
    client = client_for(member)
    data = {"title": "Tarif", "source": "Une question", "client_id": "a" * 32}
    url = reverse("messaging:new_thread", args=[club.slug])
    first = client.post(url, data)
    second = client.post(url, data)
    thread = Thread.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == thread_url(thread)
    assert Post.objects.count() == 1


def test_a_crafted_client_id_is_shown_as_an_error_and_the_text_is_kept(club, member, client_for):
    data = {"title": "Tarif", "source": "Ma question gardée", "client_id": "x" * 65}
    response = client_for(member).post(reverse("messaging:new_thread", args=[club.slug]), data)
    assert response.status_code == 400
    errors = html(response).select_one(".form-errors")
    assert "Envoi à reprendre" in errors.get_text()
    assert "Ma question gardée" in html(response).select_one("textarea[name=source]").get_text()
    assert Thread.objects.count() == 0


def test_a_new_thread_in_an_archived_club_is_refused_with_a_message(archived, member, client_for):
    client = client_for(member)
    url = reverse("messaging:new_thread", args=[archived.slug])
    shown = client.get(url, follow=True)
    assert shown.redirect_chain == [(reverse("clubs:detail", args=[archived.slug]), 302)]
    assert flashes(shown) == ["Ce club est archivé : on n'y écrit plus."]
    response = client.post(url, {"title": "Tarif", "source": "Une question"}, follow=True)
    assert response.redirect_chain == [(reverse("clubs:detail", args=[archived.slug]), 302)]
    assert flashes(response) == ["Ce club est archivé : on n'y écrit plus."]
    assert Thread.objects.count() == 0


def test_the_new_thread_page_is_a_404_for_non_members(
    club, outsider, other_club_member, staff, client_for
):
    url = reverse("messaging:new_thread", args=[club.slug])
    for person in (outsider, other_club_member, staff):
        assert client_for(person).get(url).status_code == 404
        data = {"title": "Tarif", "source": "Une question"}
        assert client_for(person).post(url, data).status_code == 404
    assert Thread.objects.count() == 0


def test_the_new_thread_page_sends_a_visitor_to_login(club, client_for):
    response = client_for(None).get(reverse("messaging:new_thread", args=[club.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_new_thread_page_is_a_404_for_an_unknown_club(member, client_for):
    response = client_for(member).get(reverse("messaging:new_thread", args=["inconnu"]))
    assert response.status_code == 404


def test_a_new_thread_with_a_pdf_stores_the_attachment(club, member, client_for, files):
    response = client_for(member).post(
        reverse("messaging:new_thread", args=[club.slug]),
        {"title": "Modèle", "source": "Voici le modèle.", "uploads": [pdf_upload(files)]},
        follow=True,
    )
    assert flashes(response) == ["Fil de discussion publié."]
    attachment = Attachment.objects.get()
    assert attachment.post == Thread.objects.get().posts.get()
    assert attachment.original_name == "compte-rendu.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.uploaded_by == member
    with attachment.file.open("rb") as stored:
        assert stored.read() == files.pdf()
    link = html(response).select_one(".attachments a[download]")
    assert link.get_text() == "compte-rendu.pdf"
    assert link["href"] == reverse(
        "messaging:attachment", args=[club.slug, attachment.pk, "compte-rendu.pdf"]
    )


@pytest.mark.parametrize(
    ("upload", "refusal"),
    [
        (exe_upload, "Le fichier « outil.exe » n'est pas d'un type accepté."),
        (
            lambda files: exe_upload(files, "rapport.pdf"),
            "Le contenu du fichier « rapport.pdf » ne correspond pas à son extension",
        ),
    ],
)
def test_a_new_thread_with_a_forbidden_file_shows_an_error_and_creates_nothing(
    club, member, client_for, files, upload, refusal
):
    response = client_for(member).post(
        reverse("messaging:new_thread", args=[club.slug]),
        {"title": "Outil", "source": "Voici l'outil.", "uploads": [upload(files)]},
    )
    assert response.status_code == 400
    assert refusal in error_of(response, "uploads")
    assert "Voici l'outil." in html(response).select_one("textarea[name=source]").get_text()
    assert (Thread.objects.count(), Post.objects.count(), Attachment.objects.count()) == (0, 0, 0)


# --- Thread page --------------------------------------------------------------------------------


def test_the_thread_page_shows_each_post_with_its_author_organisation_and_paris_date(
    thread, answer, author, member, client_for
):
    author.profile.job_title = "Secrétaire de mairie"
    author.profile.organisation = "Mairie de Saint-Jean"
    author.profile.save()
    question = thread.posts.order_by("id").first()
    Post.objects.filter(pk=question.pk).update(created_at=datetime(2025, 1, 15, 9, 30, tzinfo=UTC))
    Post.objects.filter(pk=answer.pk).update(created_at=datetime(2025, 7, 14, 8, 5, tzinfo=UTC))
    response = client_for(member).get(thread_url(thread))
    assert response.status_code == 200
    page = html(response)
    first, second = page.select("article.post")
    assert first.select_one(".post__author").get_text(strip=True) == "Bruno Petit"
    assert first.select_one(".post__author a")["href"] == reverse(
        "profile", args=[author.profile.handle]
    )
    assert "Secrétaire de mairie, Mairie de Saint-Jean" in first.get_text()
    assert first.select_one("time").get_text() == "15 janvier 2025 à 10:30"  # winter: UTC+1
    assert second.select_one("time").get_text() == "14 juillet 2025 à 10:05"  # summer: UTC+2
    assert "Comment rédigez-vous la vôtre ?" in first.get_text()
    assert second.select_one(".post__author").get_text(strip=True) == "Nadia Lefèvre"
    assert "Voici notre modèle de délibération." in second.get_text()


def test_the_reply_form_carries_a_hidden_client_id(thread, member, client_for):
    response = client_for(member).get(thread_url(thread))
    form = html(response).select_one("form[data-live-reply]")
    assert form["action"] == thread_view("reply", thread) + "#repondre"
    assert len(form.select_one("input[type=hidden][name=client_id]")["value"]) == 32
    assert form.select_one("textarea[name=source]").get_text().strip() == ""


def test_a_solved_thread_shows_its_badge_and_a_link_to_the_answer(
    thread, answer, author, member, client_for
):
    actions.accept_answer(user=author, post=answer)
    response = client_for(member).get(thread_url(thread))
    page = html(response)
    badges = [b.get_text() for b in page.select(".thread-header .badge")]
    assert "résolu" in badges
    link = page.find("a", string="Voir la réponse retenue")
    assert link["href"] == post_view("post", answer)
    accepted = page.select_one(f"#message-{answer.pk}")
    assert "post--accepted" in accepted["class"]
    assert "réponse retenue" in accepted.get_text()


def test_an_unsolved_thread_shows_no_solved_badge(thread, answer, member, client_for):
    response = client_for(member).get(thread_url(thread))
    assert "résolu" not in [b.get_text() for b in html(response).select(".thread-header .badge")]
    assert "Voir la réponse retenue" not in text(response)


def test_a_first_visit_starts_at_the_first_post_without_an_unread_marker(
    posts, outsider, make_membership, club, client_for, small_windows
):
    newcomer = outsider
    make_membership(newcomer, club)
    response = client_for(newcomer).get(thread_url(posts[0].thread))
    assert shown_post_ids(response) == [posts[0].pk, posts[1].pk]
    assert "Nouveaux messages" not in text(response)
    assert "Aller au premier message non lu" not in text(response)
    assert "Messages précédents" not in text(response)
    following = html(response).find("a", string="Messages suivants")
    assert following["href"] == f"?depuis={posts[1].pk + 1}"


def test_a_returning_reader_starts_at_the_first_unread_post_after_a_marker(
    thread, answer, author, member, make_post, client_for
):
    client = client_for(member)
    client.get(thread_url(thread))  # reads the question and the answer
    new = [make_post(thread, author, source=f"Nouveauté {n}") for n in (1, 2)]
    response = client.get(thread_url(thread))
    assert shown_post_ids(response) == [new[0].pk, new[1].pk]
    marker = html(response).select_one(".unread-marker")
    assert marker.get_text() == "Nouveaux messages"
    assert marker.find_next("article")["id"] == f"message-{new[0].pk}"
    # The window starts at the first unread post: no link to it is needed.
    assert "Aller au premier message non lu" not in text(response)
    previous = html(response).find("a", string="Messages précédents")
    assert previous["href"] == f"?avant={new[0].pk}#message-{new[0].pk}"


def test_a_reader_shown_earlier_posts_gets_a_link_to_the_first_unread_one(
    thread, answer, author, member, make_post, client_for
):
    client = client_for(member)
    client.get(thread_url(thread))
    new = make_post(thread, author, source="Nouveauté")
    first = thread.posts.order_by("id").first()
    response = client.get(thread_url(thread) + f"?depuis={first.pk}")
    assert shown_post_ids(response) == [first.pk, answer.pk, new.pk]
    link = html(response).find("a", string="Aller au premier message non lu")
    assert link["href"] == f"?depuis={new.pk}#message-{new.pk}"
    marker = html(response).select_one(".unread-marker")
    assert marker.find_next("article")["id"] == f"message-{new.pk}"


def test_a_reader_with_nothing_unread_sees_no_marker(thread, answer, member, client_for):
    client = client_for(member)
    client.get(thread_url(thread))
    response = client.get(thread_url(thread))
    assert shown_post_ids(response) == [thread.posts.order_by("id").first().pk, answer.pk]
    assert "Nouveaux messages" not in text(response)


def test_viewing_the_thread_advances_the_read_state_to_the_last_post_shown(
    posts, member, client_for, small_windows
):
    thread = posts[0].thread
    ReadState.objects.filter(user=member, thread=thread).delete()
    client = client_for(member)
    client.get(thread_url(thread))
    assert ReadState.objects.get(user=member, thread=thread).last_read_post_id == posts[1].pk
    client.get(thread_url(thread) + f"?depuis={posts[3].pk}")
    assert ReadState.objects.get(user=member, thread=thread).last_read_post_id == posts[4].pk
    # Going back to earlier posts never moves the read position backwards.
    client.get(thread_url(thread) + f"?avant={posts[2].pk}")
    assert ReadState.objects.get(user=member, thread=thread).last_read_post_id == posts[4].pk


def test_the_depuis_window_shows_posts_from_that_one_with_links_both_ways(
    posts, member, client_for, small_windows
):
    response = client_for(member).get(thread_url(posts[0].thread) + f"?depuis={posts[2].pk}")
    assert shown_post_ids(response) == [posts[2].pk, posts[3].pk]
    page = html(response)
    assert page.find("a", string="Messages précédents")["href"] == (
        f"?avant={posts[2].pk}#message-{posts[2].pk}"
    )
    assert page.find("a", string="Messages suivants")["href"] == f"?depuis={posts[3].pk + 1}"


def test_the_avant_window_shows_the_posts_just_before_that_one(
    posts, member, client_for, small_windows
):
    response = client_for(member).get(thread_url(posts[0].thread) + f"?avant={posts[4].pk}")
    assert shown_post_ids(response) == [posts[2].pk, posts[3].pk]
    page = html(response)
    assert page.find("a", string="Messages précédents") is not None
    assert page.find("a", string="Messages suivants") is not None


def test_the_last_window_has_no_link_to_following_posts(posts, member, client_for, small_windows):
    response = client_for(member).get(thread_url(posts[0].thread) + f"?depuis={posts[3].pk}")
    assert shown_post_ids(response) == [posts[3].pk, posts[4].pk]
    assert "Messages suivants" not in text(response)
    assert "Messages précédents" in text(response)


# --- Both ends of a long thread -----------------------------------------------------------------


@pytest.fixture
def long_thread(thread, author, member, make_post, settings, small_windows):
    """Forty posts, two to a window: twenty windows."""
    settings.POSTS_PER_MINUTE = 1000
    for n in range(1, 40):
        make_post(thread, member if n % 2 else author, source=f"Message {n}.")
    return list(thread.posts.order_by("id").values_list("id", flat=True))


def link(response, name: str) -> str:
    return html(response).find("a", string=name)["href"]


def listed_link(client, thread) -> str:
    """The thread's link on its club's page."""
    response = client.get(reverse("clubs:detail", args=[thread.club.slug]))
    [item] = [
        a for a in html(response).select(".thread-item__title a") if a.get_text() == thread.title
    ]
    return item["href"]


def test_both_ends_of_a_long_thread_are_one_click_away(
    thread, long_thread, outsider, make_membership, client_for
):
    first, last = long_thread[0], long_thread[-1]
    make_membership(outsider, thread.club)
    client = client_for(outsider)  # a newcomer: the thread opens at its start
    response = client.get(thread_url(thread))
    assert shown_post_ids(response) == long_thread[:2]
    assert link(response, "Aller au premier message") == f"#message-{first}"
    to_last = f"?avant={last + 1}#message-{last}"
    assert link(response, "Aller au dernier message") == to_last
    bottom = html(response).select_one(".load-more:has(a[rel=next])")
    assert bottom.find("a", string="Aller au dernier message")["href"] == to_last

    response = client.get(thread_url(thread) + to_last.split("#")[0])
    assert shown_post_ids(response) == long_thread[-2:]
    assert "Messages suivants" not in text(response)
    assert link(response, "Aller au dernier message") == f"#message-{last}"
    to_first = link(response, "Aller au premier message")
    assert to_first == f"?depuis={first}#message-{first}"
    response = client.get(thread_url(thread) + to_first.split("#")[0])
    assert shown_post_ids(response) == long_thread[:2]


def test_a_reader_with_unread_posts_opens_at_the_first_one_by_its_anchor(
    thread, long_thread, member, client_for
):
    ReadState.objects.update_or_create(
        user=member, thread=thread, defaults={"last_read_post_id": long_thread[9]}
    )
    client = client_for(member)
    assert listed_link(client, thread) == thread_url(thread) + "#premier-non-lu"
    response = client.get(thread_url(thread))
    assert shown_post_ids(response) == long_thread[10:12]
    page = html(response)
    assert page.select_one("[data-thread-id]")["data-open-at"] == "premier-non-lu"
    assert page.select_one("#premier-non-lu").find_next("article")["id"] == (
        f"message-{long_thread[10]}"
    )


def test_a_reader_who_has_read_everything_opens_at_the_latest_post(
    thread, long_thread, member, client_for
):
    last = long_thread[-1]
    actions.mark_read(user=member, thread=thread, up_to_post_id=last)
    client = client_for(member)
    assert listed_link(client, thread) == thread_url(thread) + f"#message-{last}"
    response = client.get(thread_url(thread))
    assert shown_post_ids(response) == long_thread[-2:]
    assert html(response).select_one("[data-thread-id]")["data-open-at"] == f"message-{last}"


def test_a_thread_never_opened_is_listed_without_an_anchor(
    thread, long_thread, outsider, make_membership, client_for
):
    make_membership(outsider, thread.club)
    assert listed_link(client_for(outsider), thread) == thread_url(thread)


@pytest.mark.parametrize(
    "query",
    [
        "depuis=abc",
        "avant=-5",
        "avant=abc",
        "depuis=",
        "avant=0",
        "depuis=-1",
        "citer=abc",
        "citer=-3",
        "depuis=99999999999999999999999999",
        "avant=99999999999999999999999999",
        "citer=99999999999999999999999999",
        "depuis=1e5",
    ],
)
def test_odd_window_parameters_do_not_break_the_thread_page(posts, member, client_for, query):
    response = client_for(member).get(thread_url(posts[0].thread) + "?" + query)
    assert response.status_code == 200
    assert html(response).select_one("form[data-live-reply]") is not None


def test_a_window_past_the_end_says_there_is_no_message_here(posts, member, client_for):
    response = client_for(member).get(thread_url(posts[0].thread) + "?avant=-5")
    assert shown_post_ids(response) == []
    assert "Aucun message ici." in text(response)


def test_citer_prefills_the_reply_with_the_quoted_post(thread, answer, member, client_for):
    response = client_for(member).get(thread_url(thread) + f"?citer={answer.pk}")
    quoted = reply_textarea(response).get_text()
    assert quoted.strip().startswith("> **Nadia Lefèvre** a écrit :")
    assert "> Voici notre modèle de délibération." in quoted


def test_a_deleted_or_hidden_post_is_not_quoted(
    thread, answer, author, owner, member, make_post, client_for
):
    gone = make_post(thread, author, source="Texte effacé par son auteur.")
    actions.delete_post(user=author, post=gone)
    actions.hide_post(moderator=owner, post=answer, reason="Hors sujet")
    client = client_for(member)
    for post in (gone, answer):
        response = client.get(thread_url(thread) + f"?citer={post.pk}")
        assert response.status_code == 200
        assert reply_textarea(response).get_text().strip() == ""


def test_a_post_of_another_thread_is_not_quoted(
    thread, club, author, member, make_thread, client_for
):
    elsewhere = make_thread(club, author, title="Autre fil", source="Un autre sujet.")
    quoted = elsewhere.posts.get()
    response = client_for(member).get(thread_url(thread) + f"?citer={quoted.pk}")
    assert reply_textarea(response).get_text().strip() == ""


def test_in_a_locked_thread_a_member_sees_a_notice_and_no_reply_form(
    thread, moderator, member, client_for
):
    actions.set_locked(moderator=moderator, thread=thread, locked=True)
    response = client_for(member).get(thread_url(thread))
    assert html(response).select_one("form[data-live-reply]") is None
    assert "Ce fil est verrouillé : on n'y répond plus." in text(response)
    assert "verrouillé" in [b.get_text() for b in html(response).select(".thread-header .badge")]


def test_in_a_locked_thread_a_moderator_still_gets_the_reply_form(thread, moderator, client_for):
    actions.set_locked(moderator=moderator, thread=thread, locked=True)
    response = client_for(moderator).get(thread_url(thread))
    assert html(response).select_one("form[data-live-reply]") is not None
    assert "en tant que modérateur·rice, vous pouvez encore y répondre" in text(response)


def test_in_an_archived_club_the_thread_is_readable_without_a_reply_form(
    thread, archived, member, client_for
):
    response = client_for(member).get(thread_url(thread))
    assert response.status_code == 200
    assert "Comment rédigez-vous la vôtre ?" in text(response)
    assert html(response).select_one("form[data-live-reply]") is None
    assert "Ce club est archivé : on n'y écrit plus." in text(response)
    assert "Citer" not in [a.get_text() for a in html(response).select(".post__actions a")]


def test_the_thread_page_is_a_404_for_non_members_and_for_a_thread_of_another_club(
    thread, other_club, other_club_member, outsider, staff, member, make_thread, client_for
):
    for person in (outsider, other_club_member, staff):
        assert client_for(person).get(thread_url(thread)).status_code == 404
    elsewhere = make_thread(other_club, other_club_member, title="Archives")
    wrong_club = reverse("messaging:thread", args=[thread.club.slug, elsewhere.pk])
    assert client_for(member).get(wrong_club).status_code == 404
    missing = reverse("messaging:thread", args=[thread.club.slug, 999999])
    assert client_for(member).get(missing).status_code == 404


def test_a_banned_member_gets_404_for_the_thread(thread, club, member, moderator, client_for):
    Ban.objects.create(club=club, user=member, banned_by=moderator, reason="Propos injurieux")
    assert client_for(member).get(thread_url(thread)).status_code == 404


# --- Reply --------------------------------------------------------------------------------------


def test_a_reply_is_published_and_the_page_shows_it_at_the_end(thread, member, client_for):
    client = client_for(member)
    response = client.post(thread_view("reply", thread), {"source": "Je réponds **ici**."})
    post = Post.objects.get(author=member)
    assert response.status_code == 302
    assert response["Location"] == (f"{thread_url(thread)}?avant={post.pk + 1}#message-{post.pk}")
    followed = client.get(response["Location"])
    assert flashes(followed) == ["Réponse publiée."]
    assert shown_post_ids(followed)[-1] == post.pk
    assert "<strong>ici</strong>" in post.html
    thread.refresh_from_db()
    assert (thread.post_count, thread.last_post) == (2, post)


@pytest.mark.parametrize("source", ["", "   \n  "])
def test_an_empty_reply_is_refused_next_to_the_field(thread, member, client_for, source):
    response = client_for(member).post(thread_view("reply", thread), {"source": source})
    assert refused_reply(response, "source") == "Champ requis."
    assert flashes(response) == []
    assert thread.posts.count() == 1


def test_a_reply_in_a_locked_thread_is_refused_for_a_member(thread, moderator, member, client_for):
    actions.set_locked(moderator=moderator, thread=thread, locked=True)
    response = client_for(member).post(thread_view("reply", thread), {"source": "Encore un mot"})
    assert refused_reply(response, "source") == "Ce fil est verrouillé : on n'y répond plus."
    assert reply_textarea(response).get_text().strip() == "Encore un mot"
    assert thread.posts.count() == 1


def test_a_reply_too_long_comes_back_with_its_text_and_the_limit(thread, member, client_for):
    too_long = "Mot " * 12_501
    response = client_for(member).post(thread_view("reply", thread), {"source": too_long})
    assert "50000" in refused_reply(response, "source").replace("\u202f", "").replace(" ", "")
    assert reply_textarea(response).get_text().strip() == too_long.strip()
    assert thread.posts.count() == 1


def test_a_moderator_may_reply_in_a_locked_thread(thread, moderator, client_for):
    actions.set_locked(moderator=moderator, thread=thread, locked=True)
    response = client_for(moderator).post(
        thread_view("reply", thread), {"source": "Dernier mot"}, follow=True
    )
    assert flashes(response) == ["Réponse publiée."]
    assert thread.posts.count() == 2


def test_a_reply_in_an_archived_club_is_refused_with_a_message(
    thread, archived, member, client_for
):
    response = client_for(member).post(thread_view("reply", thread), {"source": "Encore un mot"})
    assert refused_reply(response, "source") == "Ce club est archivé : on n'y écrit plus."
    assert thread.posts.count() == 1


def test_a_reply_sent_twice_with_the_same_client_id_makes_one_post(thread, member, client_for):
    client = client_for(member)
    data = {"source": "Une seule fois", "client_id": "b" * 32}
    first = client.post(thread_view("reply", thread), data)
    second = client.post(thread_view("reply", thread), data)
    assert Post.objects.filter(author=member).count() == 1
    assert first["Location"] == second["Location"]


def test_a_reply_is_a_404_for_a_member_of_another_club(
    thread, other_club_member, outsider, client_for
):
    for person in (other_club_member, outsider):
        response = client_for(person).post(thread_view("reply", thread), {"source": "Intrus"})
        assert response.status_code == 404
    assert thread.posts.count() == 1


def test_the_reply_address_only_takes_posts(thread, member, client_for):
    assert client_for(member).get(thread_view("reply", thread)).status_code == 405


def test_a_reply_with_attachments_stores_them(thread, member, client_for, files):
    uploads = [
        pdf_upload(files),
        SimpleUploadedFile("plan.png", files.image("PNG"), content_type="image/png"),
    ]
    response = client_for(member).post(
        thread_view("reply", thread), {"source": "Deux fichiers", "uploads": uploads}, follow=True
    )
    assert flashes(response) == ["Réponse publiée."]
    post = Post.objects.get(author=member)
    names = sorted(post.attachments.values_list("original_name", "content_type"))
    assert names == [("compte-rendu.pdf", "application/pdf"), ("plan.png", "image/png")]
    article = html(response).select_one(f"#message-{post.pk}")
    assert {a.get_text() for a in article.select(".attachments a")} == {
        "compte-rendu.pdf",
        "plan.png",
    }
    assert article.select_one("img.attachment__preview")["alt"] == "plan.png"


def test_a_reply_with_a_forbidden_file_is_refused_and_nothing_is_posted(
    thread, member, client_for, files
):
    response = client_for(member).post(
        thread_view("reply", thread), {"source": "Un outil", "uploads": [exe_upload(files)]}
    )
    error = refused_reply(response, "uploads")
    assert error.startswith("Le fichier « outil.exe » n'est pas d'un type accepté.")
    assert reply_textarea(response).get_text().strip() == "Un outil"  # what was typed stays
    assert flashes(response) == []
    assert thread.posts.count() == 1
    assert Attachment.objects.count() == 0


def test_a_reply_with_too_many_files_is_refused(thread, member, client_for, files):
    uploads = [pdf_upload(files, f"piece-{n}.pdf") for n in range(6)]
    response = client_for(member).post(
        thread_view("reply", thread), {"source": "Six fichiers", "uploads": uploads}
    )
    assert refused_reply(response, "uploads") == (
        "Un message peut porter 5 pièces jointes au plus (vous en avez joint 6)."
    )
    assert thread.posts.count() == 1
    assert Attachment.objects.count() == 0


# --- Editing and history ------------------------------------------------------------------------


def test_the_author_sees_the_source_of_their_post_in_the_edit_form(answer, moderator, client_for):
    response = client_for(moderator).get(post_view("edit_post", answer))
    assert response.status_code == 200
    textarea = html(response).select_one("textarea[name=source]")
    assert textarea.get_text().strip() == "Voici notre modèle de délibération."


def test_only_the_author_may_edit_a_post(answer, member, author, client_for):
    for person in (member, author):
        client = client_for(person)
        assert client.get(post_view("edit_post", answer)).status_code == 403
        response = client.post(post_view("edit_post", answer), {"source": "Piraté"})
        assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.source == "Voici notre modèle de délibération."


def test_editing_a_post_is_a_404_for_a_non_member(answer, outsider, client_for):
    assert client_for(outsider).get(post_view("edit_post", answer)).status_code == 404


def test_an_edit_is_saved_and_the_history_lists_the_previous_version(
    answer, moderator, member, client_for
):
    client = client_for(moderator)
    response = client.post(
        post_view("edit_post", answer), {"source": "Voici notre modèle **corrigé**."}, follow=True
    )
    assert response.redirect_chain == [
        (f"{thread_url(answer.thread)}?depuis={answer.pk}#message-{answer.pk}", 302)
    ]
    assert flashes(response) == ["Message modifié ; la version précédente reste visible."]
    answer.refresh_from_db()
    assert answer.source == "Voici notre modèle **corrigé**."
    assert answer.edited_at is not None
    revision = PostRevision.objects.get(post=answer)
    assert revision.source == "Voici notre modèle de délibération."
    article = html(response).select_one(f"#message-{answer.pk}")
    history_link = article.find("a", string="modifié")
    assert history_link["href"] == post_view("post_history", answer)

    history = client_for(member).get(post_view("post_history", answer))
    assert history.status_code == 200
    versions = [section.get_text(" ") for section in html(history).select("section.card")]
    assert len(versions) == 2
    assert "Version actuelle" in versions[0]
    assert "corrigé" in versions[0]
    assert "Version du" in versions[1]
    assert "Voici notre modèle de délibération." in versions[1]


@pytest.mark.parametrize("source", ["", "   "])
def test_an_empty_edit_is_shown_again_with_an_error(answer, moderator, client_for, source):
    response = client_for(moderator).post(post_view("edit_post", answer), {"source": source})
    assert response.status_code == 400
    assert error_of(response, "source") == "Champ requis."
    answer.refresh_from_db()
    assert answer.source == "Voici notre modèle de délibération."
    assert PostRevision.objects.count() == 0


def test_editing_a_deleted_post_is_refused_in_the_form(answer, moderator, client_for):
    actions.delete_post(user=moderator, post=answer)
    response = client_for(moderator).post(post_view("edit_post", answer), {"source": "Retour"})
    assert response.status_code == 400
    assert error_of(response, "source") == "Ce message a été supprimé ou masqué."
    assert PostRevision.objects.count() == 0


def test_editing_in_an_archived_club_is_refused_in_the_form(
    answer, archived, moderator, client_for
):
    response = client_for(moderator).post(post_view("edit_post", answer), {"source": "Retour"})
    assert response.status_code == 400
    assert error_of(response, "source") == "Ce club est archivé : on n'y écrit plus."
    assert "Retour" in html(response).select_one("textarea[name=source]").get_text()
    answer.refresh_from_db()
    assert answer.source == "Voici notre modèle de délibération."


def test_the_history_of_a_hidden_or_deleted_post_is_a_404(
    thread, answer, author, owner, moderator, member, make_post, client_for
):
    actions.hide_post(moderator=owner, post=answer, reason="Hors sujet")
    gone = make_post(thread, author, source="Effacé")
    actions.delete_post(user=author, post=gone)
    for person in (member, moderator):
        assert client_for(person).get(post_view("post_history", answer)).status_code == 404
        assert client_for(person).get(post_view("post_history", gone)).status_code == 404


def test_the_history_is_a_404_for_a_non_member(answer, outsider, client_for):
    assert client_for(outsider).get(post_view("post_history", answer)).status_code == 404


# --- Deleting -----------------------------------------------------------------------------------


def test_deleting_asks_for_confirmation_first(answer, moderator, client_for):
    response = client_for(moderator).get(post_view("delete_post", answer))
    assert response.status_code == 200
    assert "Supprimer ce message ?" in text(response)
    assert "Voici notre modèle de délibération." in text(response)
    answer.refresh_from_db()
    assert answer.deleted_at is None


def test_the_author_deletes_a_post_and_the_thread_says_so(answer, moderator, member, client_for):
    response = client_for(moderator).post(post_view("delete_post", answer), follow=True)
    assert flashes(response) == ["Message supprimé."]
    answer.refresh_from_db()
    assert answer.deleted_at is not None
    page = client_for(member).get(thread_url(answer.thread))
    article = html(page).select_one(f"#message-{answer.pk}")
    assert article.select_one(".post__gone").get_text() == "Message supprimé par son auteur·rice."
    assert "Voici notre modèle" not in article.get_text()
    answer.thread.refresh_from_db()
    assert answer.thread.post_count == 1


def test_deleting_twice_says_it_is_already_deleted(answer, moderator, client_for):
    client = client_for(moderator)
    client.post(post_view("delete_post", answer), follow=True)
    response = client.post(post_view("delete_post", answer), follow=True)
    assert flashes(response) == ["Ce message est déjà supprimé."]


def test_only_the_author_may_delete_a_post(answer, member, author, client_for):
    for person in (member, author):
        client = client_for(person)
        assert client.get(post_view("delete_post", answer)).status_code == 403
        assert client.post(post_view("delete_post", answer)).status_code == 403
    answer.refresh_from_db()
    assert answer.deleted_at is None


# --- Hiding and restoring -----------------------------------------------------------------------


def test_only_a_moderator_may_hide_a_post(thread, answer, member, author, client_for):
    question = thread.posts.order_by("id").first()
    client = client_for(member)
    assert client.get(post_view("hide_post", answer)).status_code == 403
    assert client.post(post_view("hide_post", answer), {"reason": "x"}).status_code == 403
    # Not even the author of the post, nor the author of the thread.
    assert (
        client_for(author).post(post_view("hide_post", question), {"reason": "x"}).status_code
        == 403
    )
    answer.refresh_from_db()
    assert answer.hidden_at is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_hiding_without_a_reason_shows_the_form_with_an_error(
    thread, author, moderator, client_for, reason
):
    question = thread.posts.get()
    response = client_for(moderator).post(post_view("hide_post", question), {"reason": reason})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert html(response).select_one(".field--error textarea[name=reason]") is not None
    question.refresh_from_db()
    assert question.hidden_at is None


def test_a_moderator_hides_a_post_and_members_see_the_reason(
    thread, author, moderator, member, client_for
):
    question = thread.posts.get()
    client = client_for(moderator)
    assert "Masquer ce message ?" in text(client.get(post_view("hide_post", question)))
    response = client.post(
        post_view("hide_post", question), {"reason": "Données personnelles"}, follow=True
    )
    assert flashes(response) == ["Message masqué. Vous pouvez le restaurer depuis le fil."]
    question.refresh_from_db()
    assert (question.hidden_by, question.hidden_reason) == (moderator, "Données personnelles")

    page = client_for(member).get(thread_url(thread))
    article = html(page).select_one(f"#message-{question.pk}")
    assert article.select_one(".post__gone").get_text() == (
        "Message masqué par la modération : Données personnelles"
    )
    assert "Comment rédigez-vous" not in article.get_text()
    assert article.select_one("details") is None


def test_a_moderator_still_reads_a_hidden_post_and_may_restore_it(
    thread, author, moderator, member, client_for
):
    question = thread.posts.get()
    actions.hide_post(moderator=moderator, post=question, reason="Hors sujet")
    client = client_for(moderator)
    article = html(client.get(thread_url(thread))).select_one(f"#message-{question.pk}")
    details = article.select_one("details.post__hidden-content")
    assert details.summary.get_text() == "Voir le message masqué"
    assert "Comment rédigez-vous la vôtre ?" in details.get_text()
    restore = article.select_one("form")
    assert restore["action"] == post_view("restore_post", question)

    response = client.post(restore["action"], follow=True)
    assert flashes(response) == ["Message restauré."]
    question.refresh_from_db()
    assert question.hidden_at is None
    page = client_for(member).get(thread_url(thread))
    assert "Comment rédigez-vous la vôtre ?" in text(page)
    assert "Message masqué" not in text(page)


def test_hiding_a_hidden_post_again_says_so(thread, moderator, client_for):
    question = thread.posts.get()
    actions.hide_post(moderator=moderator, post=question, reason="Hors sujet")
    response = client_for(moderator).post(post_view("hide_post", question), {"reason": "Encore"})
    assert response.status_code == 200
    assert flashes(response) == ["Ce message est déjà masqué."]
    question.refresh_from_db()
    assert question.hidden_reason == "Hors sujet"


def test_restoring_a_visible_post_says_it_is_not_hidden(thread, moderator, client_for):
    question = thread.posts.get()
    response = client_for(moderator).post(post_view("restore_post", question), follow=True)
    assert flashes(response) == ["Ce message n'est pas masqué."]


def test_only_a_moderator_may_restore_a_post(thread, moderator, member, client_for):
    question = thread.posts.get()
    actions.hide_post(moderator=moderator, post=question, reason="Hors sujet")
    assert client_for(member).post(post_view("restore_post", question)).status_code == 403
    question.refresh_from_db()
    assert question.hidden_at is not None


# --- Reactions ----------------------------------------------------------------------------------


def reaction_button(response, post, kind):
    article = html(response).select_one(f"#message-{post.pk}")
    # One form per post: each kind is a submit button of it, which sends its kind.
    button = article.select_one(f".post__reactions form button[name=kind][value={kind}]")
    assert button.find_parent("form")["action"] == post_view("react", post)
    return button


def test_a_reaction_toggles_on_and_off_and_the_button_says_so(answer, member, client_for):
    client = client_for(member)
    before = client.get(thread_url(answer.thread))
    assert reaction_button(before, answer, "merci")["aria-pressed"] == "false"

    on = client.post(post_view("react", answer), {"kind": "merci"}, follow=True)
    assert flashes(on) == ["Réaction ajoutée."]
    assert Reaction.objects.filter(post=answer, user=member, kind="merci").count() == 1
    button = reaction_button(on, answer, "merci")
    assert button["aria-pressed"] == "true"
    assert button.select_one(".reaction__count").get_text() == "1"
    # Its name for a screen reader: the label, then the count (the emoji is drawn by the CSS).
    assert button.get_text(" ", strip=True) == "merci 1"

    off = client.post(post_view("react", answer), {"kind": "merci"}, follow=True)
    assert flashes(off) == ["Réaction retirée."]
    assert not Reaction.objects.filter(post=answer).exists()
    assert reaction_button(off, answer, "merci")["aria-pressed"] == "false"


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("post_history", "historique/"),
        ("restore_post", "restaurer/"),
        ("react", "reaction/"),
        ("edit_post", "modifier/"),
        ("delete_post", "supprimer/"),
        ("report", "signaler/"),
        ("accept", "reponse-retenue/"),
        ("hide_post", "masquer/"),
    ],
)
def test_a_posts_actions_are_its_permalink_followed_by_the_action(name, suffix):
    """messaging/_post.html reverses a post's permalink once and writes its actions' addresses
    from it: they must stay what the URLconf gives."""
    args = ["secretaires", 12]
    assert reverse(f"messaging:{name}", args=args) == reverse("messaging:post", args=args) + suffix


def test_the_style_sheet_draws_each_reactions_emoji_with_an_empty_alternative_text():
    """The page sends each reaction's label, not its emoji: static/css/site.css draws it."""
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    for kind, emoji in Reaction.Kind.choices:
        escaped = "".join(f"\\{ord(character):X}" for character in emoji)
        rule = f'.post__reactions [value="{kind}"]::before {{ content: "{escaped}"; '
        assert rule + f'content: "{escaped}" / ""; }}' in css, kind


def test_another_members_reaction_counts_but_is_not_mine(answer, member, author, client_for):
    actions.toggle_reaction(user=author, post=answer, kind="pouce")
    response = client_for(member).get(thread_url(answer.thread))
    button = reaction_button(response, answer, "pouce")
    assert button["aria-pressed"] == "false"
    assert button.select_one(".reaction__count").get_text() == "1"


@pytest.mark.parametrize("data", [{"kind": "colere"}, {}])
def test_an_unknown_reaction_is_refused_with_a_message(answer, member, client_for, data):
    response = client_for(member).post(post_view("react", answer), data, follow=True)
    assert flashes(response) == ["Cette réaction n'existe pas."]
    assert not Reaction.objects.exists()


def test_reacting_to_a_deleted_post_is_refused_with_a_message(answer, moderator, client_for):
    actions.delete_post(user=moderator, post=answer)
    response = client_for(moderator).post(
        post_view("react", answer), {"kind": "merci"}, follow=True
    )
    assert flashes(response) == ["Ce message a été supprimé ou masqué."]
    assert not Reaction.objects.exists()


# --- Accepted answer ----------------------------------------------------------------------------


def test_the_thread_author_accepts_an_answer(thread, answer, author, client_for):
    response = client_for(author).post(post_view("accept", answer), follow=True)
    assert flashes(response) == ["Réponse retenue : le fil est marqué « résolu »."]
    thread.refresh_from_db()
    assert thread.accepted_answer == answer
    assert "Voir la réponse retenue" in text(response)


def test_a_moderator_accepts_an_answer(thread, answer, moderator, client_for):
    client_for(moderator).post(post_view("accept", answer))
    thread.refresh_from_db()
    assert thread.accepted_answer == answer


def test_another_member_may_neither_accept_nor_unaccept(thread, answer, author, member, client_for):
    client = client_for(member)
    assert client.post(post_view("accept", answer)).status_code == 403
    thread.refresh_from_db()
    assert thread.accepted_answer is None
    actions.accept_answer(user=author, post=answer)
    assert client.post(thread_view("unaccept", thread)).status_code == 403
    thread.refresh_from_db()
    assert thread.accepted_answer == answer


def test_the_question_cannot_be_its_own_answer(thread, author, client_for):
    question = thread.posts.get()
    response = client_for(author).post(post_view("accept", question), follow=True)
    assert flashes(response) == ["La question ne peut pas être sa propre réponse."]
    thread.refresh_from_db()
    assert thread.accepted_answer is None


def test_the_thread_author_unaccepts_the_answer(thread, answer, author, client_for):
    actions.accept_answer(user=author, post=answer)
    response = client_for(author).post(thread_view("unaccept", thread), follow=True)
    assert response.redirect_chain == [(thread_url(thread), 302)]
    assert flashes(response) == ["Le fil n'a plus de réponse retenue."]
    thread.refresh_from_db()
    assert thread.accepted_answer is None
    assert "Voir la réponse retenue" not in text(response)


def test_accepting_is_a_404_for_a_non_member(answer, outsider, client_for):
    assert client_for(outsider).post(post_view("accept", answer)).status_code == 404


# --- Pin and lock -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "field", "said_on", "said_off"),
    [
        ("pin", "pinned", "Fil épinglé en haut du club.", "Fil désépinglé."),
        ("lock", "locked", "Fil verrouillé : plus personne n'y répond.", "Fil déverrouillé."),
    ],
)
def test_a_moderator_toggles_pin_and_lock_and_is_told(
    thread, moderator, client_for, view, field, said_on, said_off
):
    client = client_for(moderator)
    on = client.post(thread_view(view, thread), {"on": "1"}, follow=True)
    assert on.redirect_chain == [(thread_url(thread), 302)]
    assert flashes(on) == [said_on]
    thread.refresh_from_db()
    assert getattr(thread, field) is True
    off = client.post(thread_view(view, thread), {"on": "0"}, follow=True)
    assert flashes(off) == [said_off]
    thread.refresh_from_db()
    assert getattr(thread, field) is False


@pytest.mark.parametrize("view", ["pin", "lock"])
@pytest.mark.parametrize("data", [{}, {"on": "oui"}, {"on": "2"}, {"on": ""}])
def test_an_invalid_toggle_is_refused_with_a_message(thread, moderator, client_for, view, data):
    response = client_for(moderator).post(thread_view(view, thread), data, follow=True)
    assert flashes(response) == ["Demande incomplète : réessayez depuis la page du fil."]
    thread.refresh_from_db()
    assert (thread.pinned, thread.locked) == (False, False)


@pytest.mark.parametrize("view", ["pin", "lock"])
def test_a_member_may_not_pin_or_lock(thread, member, outsider, client_for, view):
    assert client_for(member).post(thread_view(view, thread), {"on": "1"}).status_code == 403
    assert client_for(outsider).post(thread_view(view, thread), {"on": "1"}).status_code == 404
    assert client_for(member).get(thread_view(view, thread)).status_code == 405
    thread.refresh_from_db()
    assert (thread.pinned, thread.locked) == (False, False)


def test_the_moderation_tools_show_only_to_moderators(
    thread, moderator, member, other_club, make_membership, client_for
):
    make_membership(moderator, other_club, Role.MODERATOR)  # somewhere to move the thread to
    for_moderator = html(client_for(moderator).get(thread_url(thread)))
    assert for_moderator.select_one(f"form[action='{thread_view('pin', thread)}']") is not None
    assert for_moderator.find("a", string="Déplacer")["href"] == thread_view("move", thread)
    for_member = html(client_for(member).get(thread_url(thread)))
    assert for_member.select_one(f"form[action='{thread_view('pin', thread)}']") is None
    assert for_member.find("a", string="Déplacer") is None


# --- Move ---------------------------------------------------------------------------------------


@pytest.fixture
def moderates_elsewhere(moderator, other_club, make_club, make_membership):
    """The moderator also moderates the archivists; she is a mere member of a third club, and
    moderates a fourth that is archived."""
    make_membership(moderator, other_club, Role.MODERATOR)
    make_membership(moderator, make_club("Acheteurs publics", slug="acheteurs"), Role.MEMBER)
    make_membership(moderator, make_club("Ancien club", slug="ancien", archived=True), Role.OWNER)
    return other_club


def test_the_move_form_lists_only_the_other_clubs_the_moderator_moderates(
    thread, moderator, moderates_elsewhere, client_for
):
    response = client_for(moderator).get(thread_view("move", thread))
    assert response.status_code == 200
    options = html(response).select("select[name=club] option")
    assert [o.get_text() for o in options if o.get("value")] == ["Archivistes"]


def test_a_moderator_moves_a_thread_and_is_told_where(
    thread, club, moderator, moderates_elsewhere, client_for
):
    response = client_for(moderator).post(
        thread_view("move", thread), {"club": moderates_elsewhere.pk}, follow=True
    )
    thread.refresh_from_db()
    assert thread.club == moderates_elsewhere
    assert response.redirect_chain == [
        (reverse("messaging:thread", args=[moderates_elsewhere.slug, thread.pk]), 302)
    ]
    assert flashes(response) == ["Fil déplacé dans le club « Archivistes »."]


def test_a_moderator_of_no_other_club_is_told_why_they_cannot_move(thread, moderator, client_for):
    response = client_for(moderator).get(thread_view("move", thread))
    assert response.status_code == 200
    assert html(response).select_one("select[name=club]") is None
    assert "Vous ne modérez aucun autre club : vous ne pouvez pas déplacer ce fil." in text(
        response
    )


def test_the_thread_offers_to_move_it_only_to_a_moderator_of_another_club(
    thread, moderator, other_club, make_membership, client_for
):
    move_url = thread_view("move", thread)
    client = client_for(moderator)
    assert move_url not in markup(client.get(thread_view("thread", thread)))
    make_membership(moderator, other_club, Role.MODERATOR)
    assert move_url in markup(client.get(thread_view("thread", thread)))


@pytest.mark.parametrize("choice", ["this-club", "member-only", "unknown", "not-a-number", ""])
def test_picking_a_club_not_in_the_list_is_a_form_error(
    thread, club, moderator, moderates_elsewhere, client_for, choice
):
    value = {
        "this-club": club.pk,
        "member-only": Club.objects.get(slug="acheteurs").pk,
        "unknown": 999999,
        "not-a-number": "abc",
        "": "",
    }[choice]
    response = client_for(moderator).post(thread_view("move", thread), {"club": value})
    assert response.status_code == 200
    assert "club" in response.context["form"].errors
    assert html(response).select_one(".field--error select[name=club]") is not None
    thread.refresh_from_db()
    assert thread.club == club


def test_a_member_may_not_move_a_thread(thread, member, client_for):
    assert client_for(member).get(thread_view("move", thread)).status_code == 403
    assert client_for(member).post(thread_view("move", thread), {"club": 1}).status_code == 403


# --- Subscription -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "said", "stored", "shown"),
    [
        (
            "follow",
            "Vous suivez ce fil : vous serez prévenu·e des réponses.",
            "follow",
            "Vous suivez ce fil.",
        ),
        (
            "mute",
            "Ce fil est en sourdine : vous ne serez plus prévenu·e.",
            "mute",
            "Ce fil est en sourdine.",
        ),
        ("none", "Suivi par défaut rétabli pour ce fil.", None, None),
    ],
)
def test_a_member_chooses_how_to_follow_a_thread(
    thread, member, client_for, level, said, stored, shown
):
    # Start from another choice than the one made, so that the change shows.
    start = "follow" if level == "mute" else "mute"
    ThreadSubscription.objects.create(user=member, thread=thread, level=start)
    response = client_for(member).post(
        thread_view("subscription", thread), {"level": level}, follow=True
    )
    assert response.redirect_chain == [(thread_url(thread), 302)]
    assert flashes(response) == [said]
    found = ThreadSubscription.objects.filter(user=member, thread=thread)
    assert list(found.values_list("level", flat=True)) == ([stored] if stored else [])
    tools = words(html(response).select_one(".thread-tools"))
    if shown:
        assert shown in tools
    else:
        assert "Vous suivez ce fil." not in tools
        assert "Ce fil est en sourdine." not in tools


@pytest.mark.parametrize("data", [{"level": "toujours"}, {}])
def test_an_unknown_subscription_level_is_refused_with_a_message(thread, member, client_for, data):
    response = client_for(member).post(thread_view("subscription", thread), data, follow=True)
    assert flashes(response) == ["Choix de suivi inconnu."]
    assert not ThreadSubscription.objects.filter(user=member).exists()


def test_subscribing_is_a_404_for_a_non_member(thread, outsider, client_for):
    response = client_for(outsider).post(thread_view("subscription", thread), {"level": "follow"})
    assert response.status_code == 404
    assert not ThreadSubscription.objects.filter(user=outsider).exists()


# --- Permalink ----------------------------------------------------------------------------------


def test_a_permalink_leads_to_the_thread_from_that_post(answer, member, client_for):
    response = client_for(member).get(post_view("post", answer))
    assert response.status_code == 302
    assert response["Location"] == (
        f"{thread_url(answer.thread)}?depuis={answer.pk}#message-{answer.pk}"
    )


def test_a_permalink_is_a_404_for_a_non_member_or_through_another_club(
    answer, other_club, other_club_member, outsider, client_for
):
    assert client_for(outsider).get(post_view("post", answer)).status_code == 404
    wrong = reverse("messaging:post", args=[other_club.slug, answer.pk])
    assert client_for(other_club_member).get(wrong).status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("post", "get"),
        ("edit_post", "get"),
        ("post_history", "get"),
        ("delete_post", "get"),
        ("hide_post", "get"),
        ("restore_post", "post"),
        ("react", "post"),
        ("accept", "post"),
    ],
)
def test_every_post_page_is_a_404_for_a_missing_post(member, club, client_for, name, method):
    url = reverse(f"messaging:{name}", args=[club.slug, 999999])
    assert getattr(client_for(member), method)(url).status_code == 404


def test_the_history_of_a_post_never_edited_dates_its_only_version(answer, member, client_for):
    Post.objects.filter(pk=answer.pk).update(created_at=datetime(2025, 3, 4, 13, 0, tzinfo=UTC))
    response = client_for(member).get(post_view("post_history", answer))
    assert response.status_code == 200
    [current] = html(response).select("section.card")
    assert " ".join(current.h2.get_text().split()) == "Version actuelle, du 4 mars 2025 à 14:00"


def test_posting_too_fast_over_http_is_refused_like_over_the_socket(
    member, author, club, make_thread, client_for, settings
):
    settings.POSTS_PER_MINUTE = 2
    thread = make_thread(club, author)
    browser = client_for(member)
    url = reverse("messaging:reply", args=[club.slug, thread.pk])
    for n in range(3):
        response = browser.post(
            url, {"source": f"Réponse n°{n}", "client_id": f"c{n}"}, follow=True
        )
    assert refused_reply(response, "source").startswith("Trop de messages en peu de temps")
    assert reply_textarea(response).get_text().strip() == "Réponse n°2"
    written = thread.posts.filter(author=member).order_by("pk")  # PostgreSQL keeps no order
    assert list(written.values_list("source", flat=True)) == ["Réponse n°0", "Réponse n°1"]


def test_sending_the_same_post_again_does_not_count_against_the_pace(
    member, author, club, make_thread, client_for, settings
):
    settings.POSTS_PER_MINUTE = 1
    thread = make_thread(club, author)
    browser = client_for(member)
    url = reverse("messaging:reply", args=[club.slug, thread.pk])
    for _ in range(3):  # a reply sent again after a network error
        browser.post(url, {"source": "Une seule réponse", "client_id": "meme"})
    assert thread.posts.filter(author=member).count() == 1
    response = browser.post(url, {"source": "Une autre", "client_id": "autre"}, follow=True)
    assert "Trop de messages en peu de temps" in response.content.decode()


# --- Small acts answered in JSON, for the page's script -----------------------------------------

JSON = {"Accept": "application/json"}


def test_a_reaction_sent_by_the_page_script_is_answered_in_json(answer, member, client_for):
    client = client_for(member)
    response = client.post(post_view("react", answer), {"kind": "pouce"}, headers=JSON)
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "message": "Réaction ajoutée.",
        "reaction": {
            "post": answer.pk,
            "kind": "pouce",
            "user": member.pk,
            "added": True,
            "counts": {"pouce": 1},
        },
    }
    again = client.post(post_view("react", answer), {"kind": "pouce"}, headers=JSON).json()
    assert (again["message"], again["reaction"]["added"], again["reaction"]["counts"]) == (
        "Réaction retirée.",
        False,
        {},
    )


@pytest.mark.parametrize(
    ("setup", "data", "refusal"),
    [
        ("archived", {"kind": "pouce"}, "Ce club est archivé : on n'y écrit plus."),
        (None, {"kind": "inconnue"}, "Cette réaction n'existe pas."),
    ],
)
def test_a_refused_reaction_is_a_json_error(
    request, answer, member, client_for, setup, data, refusal
):
    if setup:
        request.getfixturevalue(setup)
    response = client_for(member).post(post_view("react", answer), data, headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "message": refusal}
    assert Reaction.objects.count() == 0


def test_accepting_and_unaccepting_from_the_page_script(thread, answer, author, client_for):
    client = client_for(author)
    accepted = client.post(post_view("accept", answer), headers=JSON)
    assert accepted.status_code == 200
    assert accepted.json() == {
        "ok": True,
        "message": "Réponse retenue : le fil est marqué « résolu ».",
    }
    thread.refresh_from_db()
    assert thread.accepted_answer == answer
    cleared = client.post(thread_view("unaccept", thread), headers=JSON)
    assert cleared.json() == {"ok": True, "message": "Le fil n'a plus de réponse retenue."}
    question = thread.posts.order_by("id").first()
    refused = client.post(post_view("accept", question), headers=JSON)
    assert refused.status_code == 400
    assert refused.json() == {
        "ok": False,
        "message": "La question ne peut pas être sa propre réponse.",
    }


@pytest.mark.parametrize(
    ("level", "said", "stored"),
    [
        ("follow", "Vous suivez ce fil : vous serez prévenu·e des réponses.", "follow"),
        ("mute", "Ce fil est en sourdine : vous ne serez plus prévenu·e.", "mute"),
    ],
)
def test_following_or_muting_from_the_page_script(thread, member, client_for, level, said, stored):
    response = client_for(member).post(
        thread_view("subscription", thread), {"level": level}, headers=JSON
    )
    assert (response.status_code, response.json()) == (200, {"ok": True, "message": said})
    assert selectors.subscription_level(thread, member) == stored


def test_an_unknown_following_choice_is_a_json_error(thread, member, client_for):
    response = client_for(member).post(
        thread_view("subscription", thread), {"level": "toujours"}, headers=JSON
    )
    assert (response.status_code, response.json()) == (
        400,
        {"ok": False, "message": "Choix de suivi inconnu."},
    )


def test_an_edit_from_the_page_script_answers_with_the_post_s_new_face(
    answer, moderator, client_for
):
    response = client_for(moderator).post(
        post_view("edit_post", answer), {"source": "Version **corrigée**."}, headers=JSON
    )
    assert response.status_code == 200
    data = response.json()
    assert data["message"] == "Message modifié ; la version précédente reste visible."
    assert data["post"] == answer.pk
    article = html_of(data["html"]).select_one("article.post")
    assert article["id"] == f"message-{answer.pk}"
    assert "<strong>corrigée</strong>" in data["html"]
    assert article.find("a", string="Modifier") is not None  # shown to its author
    assert article.select_one("input[name=csrfmiddlewaretoken]")["value"]


def test_a_refused_edit_from_the_page_script_says_why_by_field(answer, moderator, client_for):
    response = client_for(moderator).post(
        post_view("edit_post", answer), {"source": "  "}, headers=JSON
    )
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "message": "Champ requis.",
        "errors": {"source": ["Champ requis."]},
    }
    answer.refresh_from_db()
    assert answer.source == "Voici notre modèle de délibération."


def test_the_page_script_gets_the_thread_s_header_and_posts_without_marking_them_read(
    thread, answer, author, member, make_post, client_for
):
    client = client_for(member)
    client.get(thread_url(thread))
    later = make_post(thread, author, source="Plus tard")
    actions.accept_answer(user=author, post=answer)
    question = thread.posts.order_by("id").first()
    response = client.get(thread_url(thread) + f"?depuis={question.pk}", headers=JSON)
    data = response.json()
    header = html_of(data["header"])
    assert "résolu" in [badge.get_text() for badge in header.select(".badge")]
    assert header.select_one("#entete-fil") is not None
    assert list(data["posts"]) == [str(question.pk), str(answer.pk), str(later.pk)]
    accepted = html_of(data["posts"][str(answer.pk)]).select_one("article")
    assert "post--accepted" in accepted["class"]
    assert ReadState.objects.get(user=member, thread=thread).last_read_post_id == answer.pk
