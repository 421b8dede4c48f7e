"""« Mon profil »: the form's rules (SIRET, photo, phone), what the profile page shows to the
people of the member's clubs, and who may see the photo."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pages import html, words
from PIL import Image

from community.france import DEPARTEMENTS, validate_siret
from community.models import Profile

pytestmark = pytest.mark.django_db

VALID_SIRET = "73282932000074"


def photo(size=(640, 480), fmt="PNG", name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form_data(**changes) -> dict:
    data = {
        "display_name": "Claire Martin",
        "job_title": "Secrétaire de mairie",
        "organisation": "Mairie de Saint-Aubin",
        "organisation_kind": "commune",
        "siret": "",
        "departement": "26",
        "bio": "Vingt ans de conseils municipaux.",
        "phone": "",
        "email_visibility": "nobody",
        "phone_visibility": "nobody",
    }
    data.update(changes)
    return data


def save_profile(client, **changes):
    return client.post(reverse("account_profile"), form_data(**changes))


def field_errors(response, name) -> str:
    return " ".join(response.context["form"].errors.get(name, []))


# La Poste's establishments (SIREN 356000000) do not follow the Luhn checksum: their digits add
# up to a multiple of 5; only the head office's, 35600000000048, follows it.
LA_POSTE_HEAD_OFFICE = "35600000000048"
LA_POSTE_ESTABLISHMENT = "35600000049837"


@pytest.mark.parametrize("siret", [VALID_SIRET, LA_POSTE_HEAD_OFFICE, LA_POSTE_ESTABLISHMENT])
def test_the_siret_check_accepts_real_sirets_la_poste_s_included(siret):
    validate_siret(siret)


@pytest.mark.parametrize("siret", ["73282932000075", "35600000049838", "35600000000049"])
def test_the_siret_check_refuses_a_typo_la_poste_s_included(siret):
    with pytest.raises(ValidationError) as refusal:
        validate_siret(siret)
    assert refusal.value.code == "siret_checksum"


@pytest.mark.parametrize("siret", ["７３２８２９３２０００７４", "7328293200007٤", "7328293200007"])
def test_the_siret_check_wants_fourteen_plain_digits(siret):
    with pytest.raises(ValidationError) as refusal:
        validate_siret(siret)
    assert refusal.value.code == "siret_format"


def test_the_departements_run_from_ain_to_mayotte_with_corsica_and_overseas():
    codes = [code for code, _label in DEPARTEMENTS]
    assert len(codes) == 101
    assert codes[0] == "01" and codes[-1] == "976"
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(codes)
    # Corsica is two départements since 1976; the overseas collectivities are not départements.
    assert not {"20", "975", "977", "978", "988"} & set(codes)
    assert dict(DEPARTEMENTS)["2A"] == "2A — Corse-du-Sud"
    assert dict(DEPARTEMENTS)["974"] == "974 — La Réunion"


def test_a_member_of_la_poste_saves_its_siret(member_client, member):
    response = save_profile(member_client, siret="356 000 000 49837", departement="971")
    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.siret == LA_POSTE_ESTABLISHMENT
    assert member.profile.departement == "971"


def test_a_member_saves_their_profile(member_client, member):
    response = save_profile(member_client, siret="732 829 320 00074", phone="04 75 00 00 00")
    assert response.status_code == 302
    profile = member.profile
    profile.refresh_from_db()
    assert profile.siret == VALID_SIRET
    assert profile.departement == "26"
    assert profile.organisation_kind == "commune"
    assert profile.phone == "04 75 00 00 00"
    page = member_client.get(response["Location"])
    assert "Votre profil est enregistré." in words(html(page))


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("7328293200007", "exactement 14 chiffres"),
        ("7328293200007A", "exactement 14 chiffres"),
        ("73282932000075", "mal recopié"),
        ("35600000049838", "mal recopié"),
    ],
)
def test_a_wrong_siret_is_refused_with_a_french_message(member_client, member, siret, message):
    response = save_profile(member_client, siret=siret, job_title="Nouvelle fonction")
    assert response.status_code == 200
    assert message in field_errors(response, "siret")
    # Nothing saved, and what was typed is still in the form.
    member.profile.refresh_from_db()
    assert member.profile.job_title == ""
    assert html(response).find("input", {"name": "job_title"})["value"] == "Nouvelle fonction"


def test_an_unknown_departement_and_a_bad_phone_are_refused(member_client):
    response = save_profile(member_client, departement="99", phone="appelez-moi")
    assert response.status_code == 200
    assert field_errors(response, "departement")
    assert "numéro de téléphone" in field_errors(response, "phone")


@pytest.mark.parametrize(
    "name",
    ["Claire\r\nBcc: tous@exemple.fr", "Claire\nMartin", "Claire\tMartin", "Claire\u2028Martin",
     "Claire\u202eMartin", "Claire\x07Martin"],
)  # fmt: skip
def test_a_display_name_with_a_line_break_or_a_control_character_is_refused(
    member_client, member, name
):
    before = member.profile.display_name
    response = save_profile(member_client, display_name=name)
    assert response.status_code == 200
    assert "Un nom s'écrit sur une seule ligne" in field_errors(response, "display_name")
    member.profile.refresh_from_db()
    assert member.profile.display_name == before


def test_the_model_refuses_a_display_name_with_a_line_break(member):
    profile = member.profile
    profile.display_name = "Claire\nMartin"
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert refused.value.error_dict["display_name"][0].code == "control_character"
    profile.display_name = "Claire-Hélène d'Arc 🌻"
    profile.full_clean()  # accents, hyphens, apostrophes and emoji are names too


def test_a_name_saved_with_a_line_break_before_the_check_shows_on_one_line(member):
    Profile.objects.filter(user=member).update(display_name="Claire\r\n\tMartin\u2028")
    member.refresh_from_db()
    assert member.display_name == "Claire Martin"
    assert str(member.profile) == "Claire Martin"


def test_a_bio_longer_than_allowed_is_refused(member_client):
    response = save_profile(member_client, bio="x" * 601)
    assert response.status_code == 200
    assert field_errors(response, "bio")


def test_a_photo_is_stored_as_a_256_pixel_square_jpeg(member_client, member, media_root):
    response = member_client.post(
        reverse("account_profile"), {**form_data(), "avatar": photo((800, 500))}
    )
    assert response.status_code == 302
    member.profile.refresh_from_db()
    stored = media_root / member.profile.avatar.name
    assert member.profile.avatar.name.startswith("avatars/")
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (256, 256))


def test_a_replaced_photo_leaves_the_disk(member_client, member, media_root, run_on_commit):
    with run_on_commit():
        member_client.post(reverse("account_profile"), {**form_data(), "avatar": photo()})
    member.profile.refresh_from_db()
    first = media_root / member.profile.avatar.name
    with run_on_commit():
        member_client.post(reverse("account_profile"), {**form_data(), "avatar": photo()})
    member.profile.refresh_from_db()
    assert not first.exists()
    assert (media_root / member.profile.avatar.name).exists()


def test_a_file_that_is_not_an_image_is_refused(member_client, member):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = member_client.post(reverse("account_profile"), {**form_data(), "avatar": fake})
    assert response.status_code == 200
    assert "n'est pas une image lisible" in field_errors(response, "avatar")
    member.profile.refresh_from_db()
    assert not member.profile.avatar


def test_a_photo_too_heavy_is_refused(member_client, member, settings):
    settings.AVATAR_MAX_BYTES = 1024
    response = member_client.post(
        reverse("account_profile"), {**form_data(), "avatar": photo((600, 600), "BMP", "a.bmp")}
    )
    assert response.status_code == 200
    assert "trop lourde" in field_errors(response, "avatar")
    member.profile.refresh_from_db()
    assert not member.profile.avatar


# --- What the profile page shows ----------------------------------------------------------------


@pytest.fixture
def filled(member, run_on_commit, client):
    """Claire's profile, with a phone and a photo."""
    client.force_login(member)
    client.post(
        reverse("account_profile"),
        {**form_data(phone="04 75 00 00 00", siret=VALID_SIRET), "avatar": photo()},
    )
    client.logout()
    member.profile.refresh_from_db()
    return member


def set_visibility(user, *, email, phone):
    user.profile.email_visibility = email
    user.profile.phone_visibility = phone
    user.profile.save()


def test_a_co_member_sees_the_details_but_not_hidden_contacts(filled, author, client_for):
    page = html(client_for(author).get(reverse("profile", args=[filled.profile.handle])))
    text = words(page)
    assert "Vingt ans de conseils municipaux." in text
    assert "26 — Drôme" in text
    assert "Commune" in text
    assert filled.email not in text
    assert "04 75 00 00 00" not in text


def test_contacts_shown_to_clubs_are_seen_by_co_members(filled, author, client_for):
    set_visibility(filled, email="clubs", phone="clubs")
    text = words(html(client_for(author).get(reverse("profile", args=[filled.profile.handle]))))
    assert filled.email in text
    assert "04 75 00 00 00" in text


def test_the_member_sees_their_own_contacts_whatever_the_visibility(filled, client_for):
    text = words(html(client_for(filled).get(reverse("profile", args=[filled.profile.handle]))))
    assert filled.email in text
    assert "04 75 00 00 00" in text


def test_a_co_member_gets_the_photo(filled, author, client_for):
    response = client_for(author).get(reverse("avatar", args=[filled.profile.handle]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


@pytest.mark.parametrize("who", ["outsider", "other_club_member"])
def test_a_stranger_gets_a_404_for_the_photo(filled, who, request, client_for):
    stranger = request.getfixturevalue(who)
    response = client_for(stranger).get(reverse("avatar", args=[filled.profile.handle]))
    assert response.status_code == 404


def test_a_member_without_photo_gives_a_404(author, member, client_for):
    response = client_for(author).get(reverse("avatar", args=[member.profile.handle]))
    assert response.status_code == 404


def test_the_photo_is_not_served_from_media(filled, author, client_for):
    response = client_for(author).get("/media/" + filled.profile.avatar.name)
    assert response.status_code == 404
