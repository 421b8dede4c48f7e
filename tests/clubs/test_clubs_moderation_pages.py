"""The moderation pages of a club, through real HTTP requests: join requests, invitations (one by
one, pasted, CSV), roles, removal, bans, the audit log — and who may reach them."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pages import markup, shown_messages

from clubs import actions
from clubs.models import Ban, Invitation, JoinRequest, Membership, MembershipEvent, Role
from messaging import actions as messaging_actions
from messaging import events as messaging_events

pytestmark = pytest.mark.django_db

Kind = MembershipEvent.Kind


def report_rows(response) -> list[tuple[str, str, str, str]]:
    """The rows of the invitation report: (outcome, line, address, label)."""
    return re.findall(
        r'<tr class="outcome outcome--(\w+)">\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>',
        markup(response),
    )


def raw_token_of(message) -> str:
    match = re.search(r"/invitations/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def requester(make_user):
    return make_user("demandeur@mairie.fr", display_name="Jean Demandeur")


@pytest.fixture
def join_request(requester, club, make_join_request):
    return make_join_request(requester, club, message="Secrétaire à Saint-Pierre.")


def url(name, club, *args):
    return reverse(f"clubs:{name}", args=[club.slug, *args])


# --- Join requests ------------------------------------------------------------------------------


def test_the_moderation_page_lists_pending_join_requests_with_their_message(
    client_for, moderator, club, join_request
):
    response = client_for(moderator).get(url("moderation", club))
    assert response.status_code == 200
    page = markup(response)
    assert "Jean Demandeur" in page
    assert "demandeur@mairie.fr" in page
    assert "Secrétaire à Saint-Pierre." in page
    assert url("join_request_decide", club, join_request.pk) in page


def test_the_moderation_page_says_when_no_request_waits(client_for, moderator, club):
    page = markup(client_for(moderator).get(url("moderation", club)))
    assert "Aucune demande en attente." in page


def test_the_moderation_counts_say_aucune_for_none_and_agree_in_number(
    client_for, moderator, club, make_ban, outsider
):
    page = " ".join(markup(client_for(moderator).get(url("moderation", club))).split())
    assert "1 membre · Aucune invitation en attente · Aucune exclusion" in page
    make_ban(outsider, club)
    page = " ".join(markup(client_for(moderator).get(url("moderation", club))).split())
    assert "1 membre · Aucune invitation en attente · 1 exclusion" in page


def test_a_moderator_approves_a_join_request_and_the_requester_is_emailed(
    client_for, moderator, club, requester, join_request, run_on_commit
):
    client = client_for(moderator)
    with run_on_commit():
        response = client.post(
            url("join_request_decide", club, join_request.pk),
            {"decision": "approve", "message": "Bienvenue parmi nous !"},
            follow=True,
        )
    assert response.redirect_chain == [(url("moderation", club), 302)]
    assert "Jean Demandeur a rejoint le club." in markup(response)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_by == moderator
    assert join_request.decision_message == "Bienvenue parmi nous !"
    assert Membership.objects.get(user=requester, club=club).role == Role.MEMBER
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["demandeur@mairie.fr"]
    assert "Votre demande pour rejoindre « Secrétaires de mairie » est acceptée" in email.subject
    assert "a été acceptée : vous en êtes maintenant membre" in email.body
    assert "Bienvenue parmi nous !" in email.body
    assert "Aucune demande en attente." in markup(response)


def test_a_moderator_refuses_a_join_request_and_the_requester_is_emailed(
    client_for, moderator, club, requester, join_request, run_on_commit
):
    with run_on_commit():
        response = client_for(moderator).post(
            url("join_request_decide", club, join_request.pk),
            {"decision": "refuse", "message": "Ce club est réservé aux secrétaires de mairie."},
        )
    assert response.status_code == 302
    assert shown_messages(response) == ["Demande de Jean Demandeur refusée."]
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.REFUSED
    assert not Membership.objects.filter(user=requester, club=club).exists()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["demandeur@mairie.fr"]
    assert "n'a pas été acceptée" in email.body
    assert "Ce club est réservé aux secrétaires de mairie." in email.body


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "peut-etre"},
        {"decision": ""},
        {},
        {"decision": "approve", "message": "x" * 2001},
    ],
    ids=["unknown-decision", "empty-decision", "nothing", "message-too-long"],
)
def test_a_bad_decision_gives_a_message_and_changes_nothing(
    client_for, moderator, club, requester, join_request, run_on_commit, data
):
    with run_on_commit():
        response = client_for(moderator).post(
            url("join_request_decide", club, join_request.pk), data
        )
    assert response.status_code == 302
    assert shown_messages(response) == [
        "Choisissez d'accepter ou de refuser, avec un message court."
    ]
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert not Membership.objects.filter(user=requester, club=club).exists()
    assert mail.outbox == []


def test_deciding_a_request_already_answered_says_so(
    client_for, moderator, club, requester, join_request, run_on_commit
):
    client = client_for(moderator)
    with run_on_commit():
        client.post(
            url("join_request_decide", club, join_request.pk), {"decision": "refuse"}, follow=True
        )
        response = client.post(
            url("join_request_decide", club, join_request.pk), {"decision": "approve"}
        )
    assert shown_messages(response) == ["Cette demande a déjà reçu une réponse ou a été retirée."]
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.REFUSED
    assert not Membership.objects.filter(user=requester, club=club).exists()
    assert len(mail.outbox) == 1


def test_deciding_by_get_is_not_allowed(client_for, moderator, club, join_request):
    response = client_for(moderator).get(url("join_request_decide", club, join_request.pk))
    assert response.status_code == 405


def test_an_unknown_join_request_is_404(client_for, moderator, club):
    response = client_for(moderator).post(
        url("join_request_decide", club, 999999), {"decision": "approve"}
    )
    assert response.status_code == 404


# --- Invitations: pasted addresses --------------------------------------------------------------


def test_a_moderator_invites_pasted_addresses_and_sees_each_outcome(
    client_for, moderator, member, club, make_user, make_ban, run_on_commit
):
    make_ban(make_user("exclue@mairie.fr"), club)
    pasted = (
        "nouvelle@mairie.fr\n"
        "membre@mairie.fr; pas-une-adresse\n"
        "exclue@mairie.fr, Nouvelle@Mairie.fr"
    )
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"emails": pasted, "role": Role.MEMBER}
        )
    assert response.status_code == 200
    assert report_rows(response) == [
        ("invited", "1", "nouvelle@mairie.fr", "invitation envoyée"),
        ("already_member", "2", "membre@mairie.fr", "déjà membre"),
        ("invalid", "2", "pas-une-adresse", "adresse invalide"),
        ("banned", "3", "exclue@mairie.fr", "exclue du club"),
        ("duplicate", "3", "nouvelle@mairie.fr", "en double dans la liste"),
    ]
    assert shown_messages(response) == [
        "1 invitation envoyée. 4 adresses non invitées : voir le détail."
    ]
    assert [m.to for m in mail.outbox] == [["nouvelle@mairie.fr"]]
    invitation = Invitation.objects.get(club=club)
    assert invitation.email == "nouvelle@mairie.fr"
    assert invitation.invited_by == moderator
    assert invitation.role == Role.MEMBER
    # The pending invitation is listed below, and the form is empty again.
    assert url("invitation_resend", club, invitation.pk) in markup(response)
    assert "pas-une-adresse</textarea>" not in markup(response)


def test_inviting_an_address_already_invited_sends_it_again(
    client_for, moderator, club, invite, run_on_commit
):
    invite("nouvelle@mairie.fr")
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"emails": "nouvelle@mairie.fr", "role": Role.MEMBER}
        )
    assert report_rows(response) == [
        ("already_invited", "1", "nouvelle@mairie.fr", "déjà invitée : invitation renvoyée")
    ]
    assert shown_messages(response) == ["1 invitation envoyée."]
    assert len(mail.outbox) == 2
    assert Invitation.objects.filter(club=club).count() == 1


def test_when_nobody_is_invited_the_message_is_a_warning(client_for, moderator, club, member):
    response = client_for(moderator).post(
        url("invitations", club), {"emails": "membre@mairie.fr", "role": Role.MEMBER}
    )
    messages = list(get_messages(response.wsgi_request))
    assert [str(m) for m in messages] == [
        "Aucune invitation envoyée. 1 adresse non invitée : voir le détail."
    ]
    assert messages[0].tags == "warning"
    assert mail.outbox == []


def test_an_owner_invites_someone_as_owner(client_for, owner, club, run_on_commit):
    with run_on_commit():
        client_for(owner).post(
            url("invitations", club), {"emails": "copilote@mairie.fr", "role": Role.OWNER}
        )
    assert Invitation.objects.get(club=club).role == Role.OWNER
    assert len(mail.outbox) == 1


def test_a_moderator_cannot_invite_someone_as_owner(client_for, moderator, club, run_on_commit):
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"emails": "copilote@mairie.fr", "role": Role.OWNER}
        )
    assert response.status_code == 200
    assert "Seul·e un·e propriétaire ou l'équipe du GIP peut nommer un·e propriétaire." in markup(
        response
    )
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_unknown_role_is_a_form_error(client_for, moderator, club, run_on_commit):
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"emails": "a@mairie.fr", "role": "roi"}
        )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in markup(response)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_empty_invitation_form_asks_for_an_address(client_for, moderator, club):
    response = client_for(moderator).post(
        url("invitations", club), {"emails": "  ", "role": "member"}
    )
    assert response.status_code == 200
    assert "Collez au moins une adresse ou choisissez un fichier CSV." in markup(response)
    assert not Invitation.objects.exists()


def test_a_post_without_any_field_is_validated_rather_than_ignored(client_for, moderator, club):
    response = client_for(moderator).post(url("invitations", club))
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in markup(response)
    assert not Invitation.objects.exists()


def test_more_than_500_addresses_are_refused_and_nothing_is_sent(
    client_for, moderator, club, run_on_commit
):
    pasted = "\n".join(f"personne{n}@mairie.fr" for n in range(501))
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"emails": pasted, "role": Role.MEMBER}
        )
    assert response.status_code == 200
    assert (
        "Au plus 500 adresses par envoi : votre liste en compte 501. "
        "Découpez-la en plusieurs envois." in markup(response)
    )
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    # What was pasted stays in the form, to be cut up.
    assert "personne500@mairie.fr" in markup(response)


def test_inviting_to_an_archived_club_is_refused(client_for, moderator, club, run_on_commit):
    club.archived = True
    club.save()
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"emails": "a@mairie.fr", "role": Role.MEMBER}
        )
    assert response.status_code == 200
    assert "Ce club est archivé : il n'accueille plus de membres." in markup(response)
    assert "Envoyer les invitations" not in markup(response)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


# --- Invitations: CSV file ----------------------------------------------------------------------


def csv_file(content: str | bytes, name: str = "liste.csv") -> SimpleUploadedFile:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_a_csv_file_with_a_header_and_a_bom_is_read_and_a_bad_row_reported_by_line(
    client_for, moderator, club, run_on_commit
):
    upload = csv_file(
        "\ufeffnom;email\r\n"
        "Anne;anne@mairie.fr\r\n"
        "Bruno;bruno-sans-arobase\r\n"
        "Chloé;chloe@mairie.fr\r\n"
    )
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"csv_file": upload, "role": Role.MEMBER}
        )
    assert response.status_code == 200
    assert report_rows(response) == [
        ("invited", "2", "anne@mairie.fr", "invitation envoyée"),
        ("invalid", "3", "bruno-sans-arobase", "adresse invalide"),
        ("invited", "4", "chloe@mairie.fr", "invitation envoyée"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@mairie.fr", "chloe@mairie.fr"]
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "anne@mairie.fr",
        "chloe@mairie.fr",
    }


def test_a_csv_file_in_latin_1_without_header_is_read(client_for, moderator, club, run_on_commit):
    upload = csv_file(
        "elodie@mairie.fr,Élodie Hénin\nmarc@mairie.fr,Marc Gérard\n".encode("latin-1")
    )
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"csv_file": upload, "role": Role.MEMBER}
        )
    assert [row[0] for row in report_rows(response)] == ["invited", "invited"]
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", b'email\n"a@mairie.fr', b"", b"\xff\xfe\x00"],
    ids=["binary", "unclosed-quote", "empty", "utf-16-bom"],
)
def test_a_broken_csv_file_never_gives_a_server_error(
    client_for, moderator, club, run_on_commit, content
):
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"csv_file": csv_file(content), "role": Role.MEMBER}
        )
    assert response.status_code == 200


def test_a_csv_file_over_1_mb_is_refused_and_nothing_is_sent(
    client_for, moderator, club, run_on_commit
):
    line = "quelquun@mairie.fr\n"
    upload = csv_file(line * (1024 * 1024 // len(line) + 1))
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"csv_file": upload, "role": Role.MEMBER}
        )
    assert response.status_code == 200
    assert "Le fichier dépasse 1 Mo : découpez-le." in markup(response)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_csv_file_of_more_than_500_rows_is_refused(client_for, moderator, club, run_on_commit):
    upload = csv_file("email\n" + "".join(f"p{n}@mairie.fr\n" for n in range(501)))
    with run_on_commit():
        response = client_for(moderator).post(
            url("invitations", club), {"csv_file": upload, "role": Role.MEMBER}
        )
    assert "Au plus 500 adresses par envoi : votre liste en compte 501." in markup(response)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


# --- Invitations: list, resend, revoke ----------------------------------------------------------


def test_the_invitations_page_lists_open_invitations(client_for, moderator, club, invite):
    invitation, _raw = invite("nouvelle@mairie.fr")
    page = markup(client_for(moderator).get(url("invitations", club)))
    assert "nouvelle@mairie.fr" in page
    assert "en attente" in page
    assert "Nadia Lefèvre" in page
    assert url("invitation_revoke", club, invitation.pk) in page


def test_the_invitations_page_says_when_none_is_pending(client_for, moderator, club):
    page = markup(client_for(moderator).get(url("invitations", club)))
    assert "Aucune invitation en attente." in page


def test_resending_an_invitation_sends_a_new_link_and_the_old_one_stops_working(
    client_for, moderator, club, invite, run_on_commit
):
    invitation, old_raw = invite("nouvelle@mairie.fr")
    client = client_for(moderator)
    with run_on_commit():
        response = client.post(url("invitation_resend", club, invitation.pk), follow=True)
    assert response.redirect_chain == [(url("invitations", club), 302)]
    assert "Invitation renvoyée à nouvelle@mairie.fr, avec un nouveau lien." in markup(response)
    assert len(mail.outbox) == 2
    new_raw = raw_token_of(mail.outbox[1])
    assert new_raw != old_raw
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    client.logout()
    assert client.get(reverse("clubs:invitation", args=[old_raw])).status_code == 404
    assert client.get(reverse("clubs:invitation", args=[new_raw])).status_code == 200


def test_revoking_an_invitation_makes_its_link_stop_working(
    client_for, moderator, club, invite, run_on_commit
):
    invitation, raw = invite("nouvelle@mairie.fr")
    client = client_for(moderator)
    response = client.post(url("invitation_revoke", club, invitation.pk), follow=True)
    assert "Invitation de nouvelle@mairie.fr annulée : son lien ne fonctionne plus." in markup(
        response
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "Aucune invitation en attente." in markup(response)
    client.logout()
    link = client.get(reverse("clubs:invitation", args=[raw]))
    assert link.status_code == 410
    assert "Cette invitation a été annulée" in markup(link)


def test_revoking_twice_or_resending_a_revoked_invitation_says_why_not(
    client_for, moderator, club, invite, run_on_commit
):
    invitation, _raw = invite("nouvelle@mairie.fr")
    client = client_for(moderator)
    client.post(url("invitation_revoke", club, invitation.pk), follow=True)
    again = client.post(url("invitation_revoke", club, invitation.pk), follow=True)
    assert shown_messages(again) == ["Cette invitation est déjà annulée."]
    with run_on_commit():
        resent = client.post(url("invitation_resend", club, invitation.pk), follow=True)
    assert shown_messages(resent) == ["Cette invitation a été annulée."]
    assert len(mail.outbox) == 1


def test_resending_an_accepted_invitation_says_why_not(
    client_for, moderator, club, make_user, invite, run_on_commit
):
    invitation, raw = invite("nouvelle@mairie.fr")
    actions.accept_invitation(user=make_user("nouvelle@mairie.fr"), raw_token=raw)
    with run_on_commit():
        response = client_for(moderator).post(url("invitation_resend", club, invitation.pk))
    assert shown_messages(response) == ["Cette invitation a déjà été acceptée."]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("name", ["invitation_resend", "invitation_revoke"])
def test_resend_and_revoke_need_a_post(client_for, moderator, club, invite, name):
    invitation, _raw = invite("nouvelle@mairie.fr")
    assert client_for(moderator).get(url(name, club, invitation.pk)).status_code == 405


# --- Roles --------------------------------------------------------------------------------------


def test_a_moderator_makes_a_member_moderator(client_for, moderator, member, club):
    target = Membership.objects.get(user=member, club=club)
    response = client_for(moderator).post(
        url("member_role", club, target.pk), {"role": Role.MODERATOR}, follow=True
    )
    assert response.redirect_chain == [(url("members", club), 302)]
    assert "Claire Martin est maintenant modérateur·rice." in markup(response)
    target.refresh_from_db()
    assert target.role == Role.MODERATOR
    assert club.events.filter(kind=Kind.ROLE_CHANGED, target_user=member).exists()


def test_a_moderator_cannot_make_an_owner(client_for, moderator, member, club):
    target = Membership.objects.get(user=member, club=club)
    response = client_for(moderator).post(url("member_role", club, target.pk), {"role": Role.OWNER})
    assert shown_messages(response) == [
        "Seul·e un·e propriétaire ou l'équipe du GIP peut nommer un·e propriétaire."
    ]
    target.refresh_from_db()
    assert target.role == Role.MEMBER


def test_a_moderator_cannot_touch_an_owner(client_for, moderator, owner, club):
    target = Membership.objects.get(user=owner, club=club)
    response = client_for(moderator).post(
        url("member_role", club, target.pk), {"role": Role.MEMBER}
    )
    assert shown_messages(response) == [
        "Un·e modérateur·rice ne peut pas modifier le rôle d'un·e propriétaire."
    ]
    target.refresh_from_db()
    assert target.role == Role.OWNER


def test_an_owner_makes_a_member_owner(client_for, owner, member, club):
    target = Membership.objects.get(user=member, club=club)
    response = client_for(owner).post(url("member_role", club, target.pk), {"role": Role.OWNER})
    assert shown_messages(response) == ["Claire Martin est maintenant propriétaire."]
    target.refresh_from_db()
    assert target.role == Role.OWNER


def test_the_last_owner_cannot_step_down(client_for, owner, club):
    mine = Membership.objects.get(user=owner, club=club)
    response = client_for(owner).post(url("member_role", club, mine.pk), {"role": Role.MEMBER})
    assert shown_messages(response) == ["Le club doit garder au moins un·e propriétaire."]
    mine.refresh_from_db()
    assert mine.role == Role.OWNER


@pytest.mark.parametrize("data", [{"role": "roi"}, {"role": ""}, {}])
def test_an_invalid_role_gives_a_message(client_for, moderator, member, club, data):
    target = Membership.objects.get(user=member, club=club)
    response = client_for(moderator).post(url("member_role", club, target.pk), data)
    assert response.status_code == 302
    assert shown_messages(response) == ["Choisissez un rôle dans la liste."]
    target.refresh_from_db()
    assert target.role == Role.MEMBER


def test_changing_a_role_needs_a_post(client_for, moderator, member, club):
    target = Membership.objects.get(user=member, club=club)
    assert client_for(moderator).get(url("member_role", club, target.pk)).status_code == 405


# --- Removing -----------------------------------------------------------------------------------


def test_removing_a_member_asks_for_confirmation_first(client_for, moderator, member, club):
    target = Membership.objects.get(user=member, club=club)
    response = client_for(moderator).get(url("member_remove", club, target.pk))
    assert response.status_code == 200
    assert "Retirer Claire Martin du club « Secrétaires de mairie » ?" in markup(response)
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_moderator_removes_a_member(client_for, moderator, member, club):
    target = Membership.objects.get(user=member, club=club)
    response = client_for(moderator).post(url("member_remove", club, target.pk), follow=True)
    assert response.redirect_chain == [(url("members", club), 302)]
    assert "Claire Martin ne fait plus partie du club." in markup(response)
    assert not Membership.objects.filter(user=member, club=club).exists()
    assert club.events.filter(kind=Kind.REMOVED, target_user=member).exists()


def test_a_moderator_cannot_remove_an_owner(client_for, moderator, owner, club):
    target = Membership.objects.get(user=owner, club=club)
    response = client_for(moderator).post(url("member_remove", club, target.pk))
    assert shown_messages(response) == [
        "Un·e modérateur·rice ne peut pas retirer un·e propriétaire du club."
    ]
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_moderator_cannot_remove_themselves_this_way(client_for, moderator, club):
    mine = Membership.objects.get(user=moderator, club=club)
    response = client_for(moderator).post(url("member_remove", club, mine.pk))
    assert shown_messages(response) == [
        "Pour vous retirer vous-même, utilisez « Quitter le club »."
    ]
    assert Membership.objects.filter(pk=mine.pk).exists()


# --- Bans ---------------------------------------------------------------------------------------


def test_banning_asks_for_confirmation_with_a_reason_field(client_for, moderator, member, club):
    target = Membership.objects.get(user=member, club=club)
    response = client_for(moderator).get(url("member_ban", club, target.pk))
    assert response.status_code == 200
    page = markup(response)
    assert "Exclure Claire Martin du club « Secrétaires de mairie » ?" in page
    assert 'name="reason"' in page
    assert not Ban.objects.exists()


def test_a_moderator_bans_a_member_who_loses_access_at_once(
    client_for, client, moderator, member, club
):
    target = Membership.objects.get(user=member, club=club)
    response = client_for(moderator).post(
        url("member_ban", club, target.pk), {"reason": "Messages insultants."}, follow=True
    )
    assert response.redirect_chain == [(url("members", club), 302)]
    assert "Claire Martin est exclu·e du club." in markup(response)
    ban = Ban.objects.get(user=member, club=club)
    assert ban.reason == "Messages insultants."
    assert ban.banned_by == moderator
    assert not Membership.objects.filter(user=member, club=club).exists()
    client.force_login(member)
    assert client.get(url("members", club)).status_code == 404
    assert "Vous avez été exclu·e de ce club." in markup(client.get(url("detail", club)))


def test_a_ban_reason_over_2000_characters_is_a_form_error(client_for, moderator, member, club):
    target = Membership.objects.get(user=member, club=club)
    response = client_for(moderator).post(
        url("member_ban", club, target.pk), {"reason": "x" * 2001}
    )
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 2000 caractères" in markup(response)
    assert not Ban.objects.exists()
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_moderator_cannot_ban_an_owner(client_for, moderator, owner, club):
    target = Membership.objects.get(user=owner, club=club)
    response = client_for(moderator).post(url("member_ban", club, target.pk), {"reason": ""})
    assert shown_messages(response) == [
        "Seule l'équipe du GIP peut exclure un·e propriétaire du club."
    ]
    assert not Ban.objects.exists()
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_ban_posted_without_any_field_bans_without_reason(client_for, moderator, member, club):
    target = Membership.objects.get(user=member, club=club)
    response = client_for(moderator).post(url("member_ban", club, target.pk))
    assert response.status_code == 302
    assert shown_messages(response) == ["Claire Martin est exclu·e du club."]
    assert Ban.objects.get(user=member, club=club).reason == ""


def test_a_moderator_cannot_ban_themselves(client_for, moderator, club):
    mine = Membership.objects.get(user=moderator, club=club)
    response = client_for(moderator).post(url("member_ban", club, mine.pk), {"reason": ""})
    assert shown_messages(response) == ["Vous ne pouvez pas vous exclure vous-même."]
    assert not Ban.objects.exists()


def test_the_bans_page_lists_bans_and_a_moderator_lifts_one(
    client_for, moderator, outsider, club, make_ban
):
    ban = make_ban(outsider, club, reason="Publicité.", banned_by=moderator)
    client = client_for(moderator)
    page = markup(client.get(url("bans", club)))
    assert "Paul Dehors" in page
    assert "exterieur@mairie.fr" in page
    assert "Publicité." in page
    assert url("unban", club, ban.pk) in page
    response = client.post(url("unban", club, ban.pk), follow=True)
    assert response.redirect_chain == [(url("bans", club), 302)]
    page = markup(response)
    assert "L'exclusion de Paul Dehors est levée." in page
    assert "Personne n'est exclu de ce club." in page
    assert not Ban.objects.exists()
    assert club.events.filter(kind=Kind.UNBANNED, target_user=outsider).exists()
    # Lifting the ban does not bring the person back.
    assert not Membership.objects.filter(user=outsider, club=club).exists()


def test_lifting_a_ban_already_lifted_is_404(client_for, moderator, outsider, club, make_ban):
    ban = make_ban(outsider, club)
    client = client_for(moderator)
    client.post(url("unban", club, ban.pk))
    assert client.post(url("unban", club, ban.pk)).status_code == 404


def test_lifting_a_ban_needs_a_post(client_for, moderator, outsider, club, make_ban):
    ban = make_ban(outsider, club)
    assert client_for(moderator).get(url("unban", club, ban.pk)).status_code == 405
    assert Ban.objects.filter(pk=ban.pk).exists()


# --- Audit log ----------------------------------------------------------------------------------


def test_the_audit_log_lists_events_newest_first_with_french_labels(
    client_for, moderator, club, requester, join_request, invite
):
    invite("nouvelle@mairie.fr")
    actions.approve_join_request(actor=moderator, join_request=join_request)
    actions.ban_member(actor=moderator, club=club, user=requester)
    response = client_for(moderator).get(url("audit_log", club))
    assert response.status_code == 200
    rows = re.findall(
        r"<tr>\s*<td>[^<]*</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>",
        markup(response),
    )
    assert rows == [
        ("Nadia Lefèvre", "Exclusion", "Jean Demandeur"),
        ("Nadia Lefèvre", "Demande d'adhésion acceptée", "Jean Demandeur"),
        ("Nadia Lefèvre", "Invitation envoyée", "nouvelle@mairie.fr"),
    ]


def journal_rows(client, club) -> list[tuple[str, str, str]]:
    return re.findall(
        r"<tr>\s*<td>[^<]*</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>",
        markup(client.get(url("audit_log", club))),
    )


def test_the_audit_log_says_which_role_was_left_for_which(client_for, owner, club, member):
    actions.change_role(
        actor=owner, membership=Membership.objects.get(user=member, club=club), role="moderator"
    )
    [(actor, said, whom)] = journal_rows(client_for(owner), club)[:1]
    assert said == "Rôle modifié : membre → modérateur·rice"
    assert whom == member.display_name


def test_the_audit_log_keeps_the_moderation_of_threads_and_posts(
    client_for, moderator, club, other_club, member, make_membership, make_thread, make_post
):
    make_membership(moderator, other_club, Role.MODERATOR)
    thread = make_thread(club, member, title="Tarif de la cantine")
    answer = make_post(thread, moderator, source="Voici le tarif.")
    post = make_post(thread, member, source="Un message vif.")
    messaging_actions.set_pinned(moderator=moderator, thread=thread, pinned=True)
    messaging_actions.set_locked(moderator=moderator, thread=thread, locked=True)
    messaging_actions.accept_answer(user=moderator, post=answer)
    messaging_actions.hide_post(moderator=moderator, post=post, reason="Hors charte")
    messaging_actions.restore_post(moderator=moderator, post=post)
    messaging_actions.move_thread(moderator=moderator, thread=thread, to_club=other_club)
    said = [row[1] for row in journal_rows(client_for(moderator), club)]
    assert said[:6] == [
        f"Fil déplacé vers un autre club « Tarif de la cantine » : {club.name} → {other_club.name}",
        "Message restauré « Tarif de la cantine »",
        "Message masqué « Tarif de la cantine » : Hors charte",
        "Réponse retenue « Tarif de la cantine »",
        "Fil verrouillé « Tarif de la cantine »",
        "Fil épinglé « Tarif de la cantine »",
    ]
    arrived = [row[1] for row in journal_rows(client_for(moderator), other_club)]
    assert arrived[0] == (
        f"Fil reçu d'un autre club « Tarif de la cantine » : {club.name} → {other_club.name}"
    )


def test_the_audit_log_keeps_what_was_undone(
    client_for, moderator, club, member, make_thread, make_post
):
    thread = make_thread(club, member, title="Tarif de la cantine")
    answer = make_post(thread, moderator, source="Voici le tarif.")
    messaging_actions.set_pinned(moderator=moderator, thread=thread, pinned=True)
    messaging_actions.set_pinned(moderator=moderator, thread=thread, pinned=False)
    messaging_actions.set_locked(moderator=moderator, thread=thread, locked=True)
    messaging_actions.set_locked(moderator=moderator, thread=thread, locked=False)
    messaging_actions.accept_answer(user=moderator, post=answer)
    messaging_actions.clear_accepted_answer(user=moderator, thread=thread)
    said = [row[1] for row in journal_rows(client_for(moderator), club)]
    assert said[:6] == [
        "Réponse retenue retirée « Tarif de la cantine »",
        "Réponse retenue « Tarif de la cantine »",
        "Fil déverrouillé « Tarif de la cantine »",
        "Fil verrouillé « Tarif de la cantine »",
        "Fil désépinglé « Tarif de la cantine »",
        "Fil épinglé « Tarif de la cantine »",
    ]


def test_the_audit_log_says_which_role_a_new_owner_left(client_for, staff, club, owner, member):
    actions.name_owner(actor=staff, club=club, user=member)
    [(_actor, said, whom)] = journal_rows(client_for(owner), club)[:1]
    assert said == "Propriétaire nommé·e : membre → propriétaire"
    assert whom == member.display_name


def test_a_moderation_act_that_fails_leaves_nothing_in_the_journal(
    moderator, club, member, make_thread, monkeypatch
):
    thread = make_thread(club, member, title="Tarif de la cantine")
    before = MembershipEvent.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("the live layer broke")

    monkeypatch.setattr(messaging_events, "thread_flag", broken)
    with pytest.raises(RuntimeError):
        messaging_actions.set_locked(moderator=moderator, thread=thread, locked=True)
    assert MembershipEvent.objects.count() == before
    thread.refresh_from_db()
    assert not thread.locked


def test_the_audit_log_says_when_nothing_happened(client_for, moderator, club):
    page = markup(client_for(moderator).get(url("audit_log", club)))
    assert "Rien n'a encore été fait dans ce club." in page


# --- Who may reach the moderation pages ---------------------------------------------------------


@pytest.fixture
def targets(club, member, make_user, make_membership, make_invitation, make_join_request, make_ban):
    """One object of each kind in `club`, for the URLs that act on one."""
    other = make_user("cible@mairie.fr", display_name="Cible")
    target = make_membership(make_user(), club)
    invitation, _raw = make_invitation(club, "invitee@mairie.fr")
    return {
        "membership": target,
        "invitation": invitation,
        "join_request": make_join_request(other, club),
        "ban": make_ban(make_user(), club),
    }


PAGES = ["moderation", "invitations", "bans", "audit_log"]
ACTIONS = [
    ("invitations", None, {"emails": "x@mairie.fr", "role": "member"}),
    ("invitation_resend", "invitation", {}),
    ("invitation_revoke", "invitation", {}),
    ("join_request_decide", "join_request", {"decision": "approve"}),
    ("member_role", "membership", {"role": "moderator"}),
    ("member_remove", "membership", {}),
    ("member_ban", "membership", {"reason": ""}),
    ("unban", "ban", {}),
]
CONFIRM_PAGES = [("member_remove", "membership"), ("member_ban", "membership")]


def snapshot(club):
    return (
        sorted(club.memberships.values_list("user_id", "role")),
        sorted(club.invitations.values_list("pk", "token_hash", "revoked_at")),
        sorted(club.join_requests.values_list("pk", "status")),
        sorted(club.bans.values_list("pk", flat=True)),
        club.events.count(),
    )


def action_url(club, targets, name, kind):
    return url(name, club, *([targets[kind].pk] if kind else []))


@pytest.mark.parametrize("name", PAGES)
def test_a_moderator_and_an_owner_and_staff_reach_each_moderation_page(
    client_for, moderator, owner, staff, club, targets, name
):
    for user in (moderator, owner, staff):
        assert client_for(user).get(url(name, club)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_a_plain_member_gets_403_on_each_moderation_page(client_for, member, club, targets, name):
    assert client_for(member).get(url(name, club)).status_code == 403


@pytest.mark.parametrize(("name", "kind"), CONFIRM_PAGES)
def test_a_plain_member_gets_403_on_each_confirmation_page(
    client_for, member, club, targets, name, kind
):
    assert client_for(member).get(action_url(club, targets, name, kind)).status_code == 403


@pytest.mark.parametrize(("name", "kind", "data"), ACTIONS)
def test_a_plain_member_gets_403_on_each_moderation_action_and_nothing_changes(
    client_for, member, club, targets, run_on_commit, name, kind, data
):
    before = snapshot(club)
    with run_on_commit():
        response = client_for(member).post(action_url(club, targets, name, kind), data)
    assert response.status_code == 403
    assert snapshot(club) == before
    assert mail.outbox == []


@pytest.fixture
def moderator_elsewhere(make_user, make_club, make_membership):
    user = make_user("moderateur.ailleurs@mairie.fr")
    make_membership(user, make_club("Archivistes"), Role.OWNER)
    return user


@pytest.mark.parametrize("name", PAGES)
def test_a_moderator_of_another_club_gets_404_on_each_moderation_page(
    client_for, moderator_elsewhere, club, targets, name
):
    assert client_for(moderator_elsewhere).get(url(name, club)).status_code == 404


@pytest.mark.parametrize(("name", "kind", "data"), ACTIONS)
def test_a_moderator_of_another_club_gets_404_on_each_action_and_nothing_changes(
    client_for, moderator_elsewhere, club, targets, run_on_commit, name, kind, data
):
    before = snapshot(club)
    with run_on_commit():
        response = client_for(moderator_elsewhere).post(action_url(club, targets, name, kind), data)
    assert response.status_code == 404
    assert snapshot(club) == before
    assert mail.outbox == []


@pytest.mark.parametrize(("name", "kind", "data"), ACTIONS)
def test_an_outsider_of_a_secret_club_gets_404_on_each_action(
    client_for, outsider, club, targets, name, kind, data
):
    club.visibility = "secret"
    club.save()
    before = snapshot(club)
    response = client_for(outsider).post(action_url(club, targets, name, kind), data)
    assert response.status_code == 404
    assert snapshot(club) == before


@pytest.mark.parametrize("name", PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, club, name):
    response = client.get(url(name, club))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.fixture
def other_club_targets(make_club, make_user, make_membership, make_invitation, make_join_request):
    """Objects of another club, whose ids will be tried through `club`'s URLs."""
    other = make_club("Archivistes")
    invitation, _raw = make_invitation(other, "invitee.ailleurs@mairie.fr")
    return {
        "membership": make_membership(make_user(), other),
        "invitation": invitation,
        "join_request": make_join_request(make_user(), other),
        "ban": Ban.objects.create(user=make_user(), club=other),
    }


@pytest.mark.parametrize(
    ("name", "kind", "data"), [action for action in ACTIONS if action[1] is not None]
)
def test_acting_on_an_object_of_another_club_through_this_club_is_404(
    client_for, owner, club, other_club_targets, run_on_commit, name, kind, data
):
    target = other_club_targets[kind]
    other = target.club
    before = snapshot(other)
    with run_on_commit():
        response = client_for(owner).post(url(name, club, target.pk), data)
    assert response.status_code == 404
    assert snapshot(other) == before
    assert mail.outbox == []


@pytest.mark.parametrize(("name", "kind"), CONFIRM_PAGES)
def test_a_confirmation_page_for_a_member_of_another_club_is_404(
    client_for, owner, club, other_club_targets, name, kind
):
    target = other_club_targets[kind]
    assert client_for(owner).get(url(name, club, target.pk)).status_code == 404


def test_the_moderation_page_query_count_does_not_grow_with_the_requests(
    client_for, moderator, club, make_user, make_join_request
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(moderator)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("moderation", club)).status_code == 200
        return len(captured)

    for _ in range(2):
        make_join_request(make_user(display_name="Anne"), club)
    small = count()
    for _ in range(10):
        make_join_request(make_user(display_name="Bruno"), club)
    assert count() == small
