"""What the composer asks the server: the preview of a message and the members to mention.

Both answer the members of the club only; the preview is the site's own rendering (Markdown,
then the sanitiser), never more than a post may hold."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from clubs.models import Ban, Role
from community.models import Profile
from messaging.actions import MAX_POST_LENGTH
from messaging.models import Post, Thread


def preview_url(club):
    return reverse("messaging:preview", args=[club.slug])


def thread_preview_url(thread):
    return reverse("messaging:thread_preview", args=[thread.club.slug, thread.pk])


def mentions_url(club, typed):
    return reverse("messaging:mentions", args=[club.slug]) + f"?q={typed}"


@pytest.fixture
def thread(make_thread, club, author):
    return make_thread(club, author)


# --- The preview --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_sees_their_markdown_rendered_by_the_site(client_for, member, author, thread):
    source = "**Gras** et *italique*, une liste :\n\n- un\n- deux\n\nMerci @bruno-petit !"
    Profile.objects.filter(user=author).update(handle="bruno-petit")
    response = client_for(member).post(thread_preview_url(thread), {"source": source})

    assert response.status_code == 200
    html = response.json()["html"]
    assert "<strong>Gras</strong>" in html
    assert "<em>italique</em>" in html
    assert "<li>un</li>" in html
    mention = BeautifulSoup(html, "html.parser").find("a", class_="mention")
    assert (mention["href"], mention.text) == ("/membres/bruno-petit/", "@bruno-petit")


@pytest.mark.django_db
def test_the_preview_writes_nothing(client_for, member, thread):
    posts, threads = Post.objects.count(), Thread.objects.count()
    client_for(member).post(thread_preview_url(thread), {"source": "Un essai"})
    client_for(member).post(preview_url(thread.club), {"source": "Un essai"})
    assert (Post.objects.count(), Thread.objects.count()) == (posts, threads)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<SCRIPT src=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "[clic](javascript:alert(1))",
        "> <script>alert(1)</script>",
    ],
)
def test_no_script_ever_comes_back_from_the_preview(client_for, member, club, payload):
    response = client_for(member).post(preview_url(club), {"source": payload})
    soup = BeautifulSoup(response.json()["html"], "html.parser")
    assert soup.find_all(["script", "img"]) == []
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on")]
        assert not element.get("href", "").lower().startswith("javascript")


@pytest.mark.django_db
def test_a_preview_longer_than_a_post_may_be_is_refused_with_a_message(client_for, member, club):
    response = client_for(member).post(preview_url(club), {"source": "a" * (MAX_POST_LENGTH + 1)})
    assert response.status_code == 400
    assert "trop long" in response.json()["error"]
    right_size = client_for(member).post(preview_url(club), {"source": "a" * MAX_POST_LENGTH})
    assert right_size.status_code == 200


@pytest.mark.django_db
def test_an_empty_message_has_nothing_to_preview(client_for, member, club):
    response = client_for(member).post(preview_url(club), {"source": "  \n "})
    assert response.json() == {"html": "", "empty": "Rien à prévisualiser : le message est vide."}


@pytest.mark.django_db
def test_asking_too_many_previews_a_minute_is_refused_with_a_message(
    client_for, member, club, monkeypatch
):
    monkeypatch.setattr("messaging.composer_views.PREVIEWS_PER_MINUTE", 2)
    client = client_for(member)
    answers = [client.post(preview_url(club), {"source": "x"}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert "patientez" in client.post(preview_url(club), {"source": "x"}).json()["error"]


@pytest.mark.django_db
def test_a_non_member_gets_404_for_the_preview(client_for, outsider, other_club_member, thread):
    for person in (outsider, other_club_member):
        client = client_for(person)
        assert client.post(preview_url(thread.club), {"source": "x"}).status_code == 404
        assert client.post(thread_preview_url(thread), {"source": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_banned_member_gets_404_for_the_preview(client_for, member, club):
    Ban.objects.create(user=member, club=club)
    assert client_for(member).post(preview_url(club), {"source": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_nonexistent_thread_or_club_gets_404_not_an_error(client_for, member, club, thread):
    client = client_for(member)
    missing_thread = reverse("messaging:thread_preview", args=[club.slug, thread.pk + 1000])
    assert client.post(missing_thread, {"source": "x"}).status_code == 404
    missing_club = reverse("messaging:preview", args=["club-inconnu"])
    assert client.post(missing_club, {"source": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_thread_of_another_club_gets_404(
    client_for, member, club, other_club, make_thread, make_user
):
    stranger = make_user()
    other_club.memberships.create(user=stranger, role=Role.MEMBER)
    elsewhere = make_thread(other_club, stranger)
    url = reverse("messaging:thread_preview", args=[club.slug, elsewhere.pk])
    assert client_for(member).post(url, {"source": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_member_may_not_preview_a_reply_in_a_locked_thread(client_for, member, thread):
    Thread.objects.filter(pk=thread.pk).update(locked=True)
    assert client_for(member).post(thread_preview_url(thread), {"source": "x"}).status_code == 403


@pytest.mark.django_db
def test_a_moderator_may_preview_a_reply_in_a_locked_thread(client_for, moderator, thread):
    Thread.objects.filter(pk=thread.pk).update(locked=True)
    response = client_for(moderator).post(thread_preview_url(thread), {"source": "x"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_nobody_previews_in_an_archived_club(client_for, member, club, thread):
    club.archived = True
    club.save()
    client = client_for(member)
    assert client.post(preview_url(club), {"source": "x"}).status_code == 403
    assert client.post(thread_preview_url(thread), {"source": "x"}).status_code == 403


@pytest.mark.django_db
def test_the_preview_answers_only_a_post(client_for, member, club):
    assert client_for(member).get(preview_url(club)).status_code == 405


@pytest.mark.django_db
def test_a_visitor_is_sent_to_log_in(client, club, thread):
    login = resolve_url(settings.LOGIN_URL)
    for url in (preview_url(club), thread_preview_url(thread), mentions_url(club, "cl")):
        response = client.post(url, {"source": "x"}) if "apercu" in url else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(login)


@pytest.mark.django_db
def test_the_preview_needs_the_csrf_token(member, club):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(preview_url(club), {"source": "x"}).status_code == 403


# --- The members to mention ---------------------------------------------------------------------


@pytest.fixture
def colleagues(make_user, make_membership, club):
    people = {
        "elodie": make_user("elodie@mairie.fr", display_name="Élodie Durand"),
        "marc": make_user("marc@mairie.fr", first_name="Marc", last_name="Élie"),
        "martine": make_user("martine@mairie.fr", display_name="Martine Roux"),
    }
    handles = ["elodie-durand", "marc-elie", "martine-roux"]
    for handle, person in zip(handles, people.values(), strict=True):
        Profile.objects.filter(user=person).update(handle=handle)
        make_membership(person, club)
    return people


def handles(response) -> list[str]:
    return [m["handle"] for m in response.json()["members"]]


@pytest.mark.django_db
def test_a_member_finds_club_members_by_the_start_of_their_handle(
    client_for, member, club, colleagues
):
    response = client_for(member).get(mentions_url(club, "mar"))
    assert response.status_code == 200
    assert handles(response) == ["marc-elie", "martine-roux"]
    assert response.json()["members"][0] == {"handle": "marc-elie", "name": "Marc Élie"}


@pytest.mark.django_db
def test_the_search_ignores_accents(client_for, member, club, colleagues):
    assert handles(client_for(member).get(mentions_url(club, "elo"))) == ["elodie-durand"]
    assert handles(client_for(member).get(mentions_url(club, "Élo"))) == ["elodie-durand"]
    # A word of the name other than the first: « Élie » is in « marc-elie ».
    assert handles(client_for(member).get(mentions_url(club, "eli"))) == ["marc-elie"]


@pytest.mark.django_db
def test_the_search_finds_a_name_that_is_not_in_the_handle(client_for, member, club, colleagues):
    Profile.objects.filter(user=colleagues["martine"]).update(handle="mroux")
    assert handles(client_for(member).get(mentions_url(club, "Martine"))) == ["mroux"]


@pytest.mark.django_db
def test_only_members_of_the_club_are_offered(
    client_for, member, club, colleagues, other_club_member, outsider, make_user, make_membership
):
    banned = make_user("marcel@mairie.fr", display_name="Marcel Banni")
    make_membership(banned, club)
    Ban.objects.create(user=banned, club=club)
    gone = make_user("marius@mairie.fr", display_name="Marius Parti", is_active=False)
    make_membership(gone, club)
    for who in (other_club_member, outsider):
        Profile.objects.filter(user=who).update(handle=f"mar-{who.pk}")
    assert handles(client_for(member).get(mentions_url(club, "mar"))) == [
        "marc-elie",
        "martine-roux",
    ]


@pytest.mark.django_db
def test_the_writer_is_not_offered_to_themselves(client_for, member, club, colleagues):
    # Handles that start with the letters come first, then those with a word that does.
    assert handles(client_for(colleagues["marc"]).get(mentions_url(club, "mar"))) == [
        "martine-roux",
        "claire-martin",
    ]


@pytest.mark.django_db
def test_at_most_eight_members_are_offered(client_for, member, club, make_user, make_membership):
    for n in range(12):
        agent = make_user(f"agent{n}@mairie.fr", display_name=f"Agent {n:02d}")
        Profile.objects.filter(user=agent).update(handle=f"agent-{n:02d}")
        make_membership(agent, club)
    found = handles(client_for(member).get(mentions_url(club, "agent")))
    assert found == [f"agent-{n:02d}" for n in range(8)]


@pytest.mark.django_db
def test_nothing_typed_offers_nobody(client_for, member, club, colleagues):
    assert handles(client_for(member).get(mentions_url(club, ""))) == []
    assert handles(client_for(member).get(reverse("messaging:mentions", args=[club.slug]))) == []


@pytest.mark.django_db
def test_outsiders_get_404_for_the_members_to_mention(
    client_for, club, colleagues, outsider, other_club_member
):
    for person in (outsider, other_club_member):
        assert client_for(person).get(mentions_url(club, "mar")).status_code == 404
    missing = reverse("messaging:mentions", args=["club-inconnu"]) + "?q=mar"
    assert client_for(colleagues["marc"]).get(missing).status_code == 404
