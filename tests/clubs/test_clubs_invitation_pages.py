"""Following an invitation link: joining with an account, signing up, and every refusal."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clubs.models import Membership, MembershipEvent
from community.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide-2026"


def invitation_path(raw: str) -> str:
    return reverse("clubs:invitation", args=[raw])


def signup(client, raw: str, email: str, **extra):
    client.get(reverse("clubs:invitation_signup", args=[raw]))
    data = {
        "email": email,
        "first_name": "Hélène",
        "last_name": "Garnier",
        "job_title": "Secrétaire de mairie",
        "organisation": "Mairie de Lussac",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def test_the_link_says_which_club_and_who_invites(client, invite):
    _invitation, raw = invite("helene@mairie.fr")
    page = client.get(invitation_path(raw)).content.decode()
    assert "Invitation au club « Secrétaires de mairie »" in page
    assert "Nadia Lefèvre vous invite à rejoindre ce club" in page
    assert "Créer mon compte" in page


def test_a_new_person_signs_up_with_the_invited_address_and_lands_in_the_club(client, club, invite):
    invitation, raw = invite("helene@mairie.fr")
    response = signup(client, raw, "helene@mairie.fr")
    assert response.status_code == 302
    assert response["Location"] == reverse("clubs:detail", args=[club.slug])
    user = User.objects.get(email="helene@mairie.fr")
    assert EmailAddress.objects.get(user=user).verified  # the invitation proved the address
    assert user.profile.display_name == "Hélène Garnier"
    assert user.profile.organisation == "Mairie de Lussac"
    assert Membership.objects.filter(user=user, club=club, role="member").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    page = client.get(response["Location"]).content.decode()
    assert "Bienvenue dans le club « Secrétaires de mairie » !" in page


def test_a_name_with_a_line_break_is_refused_at_signup(client, invite):
    _invitation, raw = invite("helene@mairie.fr")
    response = signup(client, raw, "helene@mairie.fr", last_name="Garnier\r\nBcc: x@exemple.fr")
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["last_name"])
    assert "Un nom s'écrit sur une seule ligne" in errors
    assert not User.objects.filter(email="helene@mairie.fr").exists()


def test_the_signup_form_shows_the_invited_address_read_only(client, invite):
    _invitation, raw = invite("helene@mairie.fr")
    client.get(reverse("clubs:invitation_signup", args=[raw]))
    page = client.get(reverse("account_signup")).content.decode()
    assert re.search(r'<input[^>]*name="email"[^>]*value="helene@mairie.fr"[^>]*readonly', page)


def test_signing_up_with_another_address_is_refused(client, invite):
    _invitation, raw = invite("helene@mairie.fr")
    response = signup(client, raw, "autre@mairie.fr")
    assert response.status_code == 200
    assert "adresse à laquelle l&#x27;invitation a été envoyée" in response.content.decode()
    assert not User.objects.filter(email="autre@mairie.fr").exists()


def test_signup_is_closed_again_once_the_invitation_is_revoked(client, invite, moderator):
    from clubs import actions

    invitation, raw = invite("helene@mairie.fr")
    client.get(reverse("clubs:invitation_signup", args=[raw]))
    actions.revoke_invitation(actor=moderator, invitation=invitation)
    response = signup(client, raw, "helene@mairie.fr")
    assert "Inscription sur invitation" in response.content.decode()
    assert not User.objects.filter(email="helene@mairie.fr").exists()


def test_a_person_with_an_account_is_asked_to_log_in_then_joins(client, club, invite, make_user):
    user = make_user("helene@mairie.fr")
    _invitation, raw = invite("helene@mairie.fr")
    page = client.get(invitation_path(raw)).content.decode()
    assert "Vous avez déjà un compte" in page
    client.force_login(user)
    assert "Rejoindre le club" in client.get(invitation_path(raw)).content.decode()
    response = client.post(invitation_path(raw))
    assert response["Location"] == reverse("clubs:detail", args=[club.slug])
    assert Membership.objects.filter(user=user, club=club).exists()


def test_accepting_while_logged_in_with_another_address_is_refused(client, club, invite, outsider):
    _invitation, raw = invite("helene@mairie.fr")
    client.force_login(outsider)
    page = client.get(invitation_path(raw)).content.decode()
    assert "pas celle de l'invitation" in page
    response = client.post(invitation_path(raw), follow=True)
    assert "envoyée à une autre adresse" in response.content.decode()
    assert not Membership.objects.filter(user=outsider, club=club).exists()


def test_an_expired_link_says_so_and_lets_the_person_ask_for_a_new_one(
    client, invite, moderator, owner, run_on_commit
):
    invitation, raw = invite("helene@mairie.fr")
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    mail.outbox.clear()
    response = client.get(invitation_path(raw))
    assert response.status_code == 410
    assert "Cette invitation a expiré" in response.content.decode()
    with run_on_commit():
        answer = client.post(reverse("clubs:invitation_renewal", args=[raw]), follow=True)
    assert "transmise à l&#x27;équipe de modération" in answer.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == [moderator.email, owner.email]
    assert "helene@mairie.fr" in mail.outbox[0].body
    assert MembershipEvent.objects.filter(kind="invitation_renewal_requested").count() == 1


def test_asking_twice_in_a_day_for_a_new_invitation_is_refused(client, invite, run_on_commit):
    invitation, raw = invite("helene@mairie.fr")
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    with run_on_commit():
        client.post(reverse("clubs:invitation_renewal", args=[raw]))
    mail.outbox.clear()
    answer = client.post(reverse("clubs:invitation_renewal", args=[raw]), follow=True)
    assert "déjà été transmise" in answer.content.decode()
    assert mail.outbox == []


def test_a_pending_invitation_cannot_be_renewed_by_its_holder(client, invite):
    _invitation, raw = invite("helene@mairie.fr")
    answer = client.post(reverse("clubs:invitation_renewal", args=[raw]), follow=True)
    assert "pas besoin d&#x27;être renouvelée" in answer.content.decode()


def test_a_revoked_link_says_so(client, invite, moderator):
    from clubs import actions

    invitation, raw = invite("helene@mairie.fr")
    actions.revoke_invitation(actor=moderator, invitation=invitation)
    response = client.get(invitation_path(raw))
    assert response.status_code == 410
    assert "Cette invitation a été annulée" in response.content.decode()


def test_a_used_link_says_so_and_cannot_be_reused(client, club, invite, make_user):
    _invitation, raw = invite("helene@mairie.fr")
    signup(client, raw, "helene@mairie.fr")
    client.logout()
    response = client.get(invitation_path(raw))
    assert response.status_code == 410
    assert "déjà été utilisée" in response.content.decode()
    other = make_user("helene2@mairie.fr")
    client.force_login(other)
    client.post(invitation_path(raw))
    assert not Membership.objects.filter(user=other, club=club).exists()


def test_an_unknown_or_truncated_link_is_a_404_with_an_explanation(client, invite):
    _invitation, raw = invite("helene@mairie.fr")
    response = client.get(invitation_path(raw[:-3]))
    assert response.status_code == 404
    assert "Ce lien d'invitation n'est pas valide" in response.content.decode()


def test_a_banned_person_cannot_join_with_an_old_invitation(
    client, club, invite, make_user, make_ban
):
    user = make_user("helene@mairie.fr")
    _invitation, raw = invite("helene@mairie.fr")
    make_ban(user, club)
    client.force_login(user)
    response = client.post(invitation_path(raw), follow=True)
    assert "exclu·e de ce club" in response.content.decode()
    assert not Membership.objects.filter(user=user, club=club).exists()


def test_following_invitation_links_is_rate_limited(client, invite):
    _invitation, raw = invite("helene@mairie.fr")
    statuses = [client.get(invitation_path(f"{raw}{n}")).status_code for n in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429
