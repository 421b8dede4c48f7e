"""A member's profile page (/membres/<handle>/): seen by the members of a club they share, and by
themselves; a 404 for anyone else, as for a handle that does not exist."""

import pytest
from django.urls import reverse
from pages import html, words

from clubs.models import Club, Role
from messaging import actions

pytestmark = pytest.mark.django_db


def profile_url(user) -> str:
    return reverse("profile", args=[user.profile.handle])


@pytest.fixture
def colleague(make_user, make_membership, club, make_club):
    """Thomas Girard: a member of the club, of a second club shared with Claire, of a club of
    his own, and of an archived club shared with Claire."""
    user = make_user("thomas@mairie.fr", first_name="Thomas", last_name="Girard")
    user.profile.job_title = "Secrétaire de mairie"
    user.profile.organisation = "Mairie de Saint-Jean"
    user.profile.save()
    make_membership(user, club, Role.MODERATOR)
    make_membership(user, make_club("Référents RGPD", slug="rgpd"))
    make_membership(user, make_club("Archivistes", slug="archivistes"))
    make_membership(user, make_club("Ancien club", slug="ancien", archived=True))
    return user


@pytest.fixture
def claire(member, make_membership, colleague):
    """Claire Martin (the root `member`), in the club, in « Référents RGPD » and in the archived
    club with Thomas; not in « Archivistes »."""
    make_membership(member, Club.objects.get(slug="rgpd"))
    make_membership(member, Club.objects.get(slug="ancien"))
    return member


def test_a_member_sees_the_profile_of_someone_sharing_a_club(claire, colleague, client):
    client.force_login(claire)
    response = client.get(profile_url(colleague))
    assert response.status_code == 200
    page = html(response)
    assert words(page.h1) == "Thomas Girard"
    assert words(page.select_one(".lead")) == "Secrétaire de mairie, Mairie de Saint-Jean"
    assert "@thomas-girard" in words(page)
    shared = page.find("h2", string="Clubs en commun").find_next("ul")
    assert [words(a) for a in shared.select("a")] == ["Référents RGPD", "Secrétaires de mairie"]
    assert {a["href"] for a in shared.select("a")} == {
        reverse("clubs:detail", args=["secretaires-de-mairie"]),
        reverse("clubs:detail", args=["rgpd"]),
    }
    # Neither a club Claire is not in, nor an archived one.
    assert "Archivistes" not in words(shared)
    assert "Ancien club" not in words(shared)


def test_a_member_sees_their_own_profile(claire, client):
    client.force_login(claire)
    response = client.get(profile_url(claire))
    assert response.status_code == 200
    assert words(html(response).h1) == "Claire Martin"
    assert "@claire-martin" in words(html(response))


def test_a_member_without_any_club_still_sees_their_own_profile(make_user, client):
    loner = make_user("seul@mairie.fr", first_name="Jean", last_name="Seul")
    client.force_login(loner)
    assert client.get(profile_url(loner)).status_code == 200


def test_the_profile_of_someone_sharing_no_club_is_a_404(
    claire, make_user, make_membership, make_club, client
):
    stranger = make_user("inconnu@mairie.fr", first_name="Paul", last_name="Dehors")
    make_membership(stranger, make_club("Acheteurs publics", slug="acheteurs"))
    client.force_login(claire)
    assert client.get(profile_url(stranger)).status_code == 404


def test_sharing_only_an_archived_club_is_not_enough(make_user, make_membership, make_club, client):
    archived = make_club("Ancien club", slug="ancien", archived=True)
    one = make_user("un@mairie.fr", first_name="Anne", last_name="Un")
    two = make_user("deux@mairie.fr", first_name="Bruno", last_name="Deux")
    make_membership(one, archived)
    make_membership(two, archived)
    client.force_login(one)
    assert client.get(profile_url(two)).status_code == 404


def test_the_profile_of_a_deactivated_member_is_a_404(claire, colleague, client):
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    client.force_login(claire)
    assert client.get(profile_url(colleague)).status_code == 404


def test_an_unknown_handle_is_a_404(claire, client):
    client.force_login(claire)
    assert client.get(reverse("profile", args=["personne-inconnue"])).status_code == 404


def test_a_visitor_is_sent_to_login(colleague, client):
    url = profile_url(colleague)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_a_mention_in_a_post_links_to_the_profile(claire, colleague, club, client):
    thread = actions.start_thread(
        author=colleague,
        club=club,
        title="Délibération",
        source="Bonjour @claire-martin, avez-vous un modèle ?",
    )
    client.force_login(colleague)
    page = client.get(reverse("messaging:thread", args=[club.slug, thread.pk]))
    mention = html(page).select_one(".post__body a.mention")
    assert words(mention) == "@claire-martin"
    assert mention["href"] == profile_url(claire) == "/membres/claire-martin/"
    profile = client.get(mention["href"])
    assert profile.status_code == 200
    assert words(html(profile).h1) == "Claire Martin"
