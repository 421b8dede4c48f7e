"""Bulk invitations: parsing pasted text and CSV files, and the report of invite_many."""

import pytest
from django.core import mail

from clubs import actions, bulk
from clubs.actions import InviteOutcome
from clubs.models import Invitation
from community.action_errors import ActionError

pytestmark = pytest.mark.django_db


def emails(rows):
    return [row.email for row in rows]


# --- Parsing ------------------------------------------------------------------------------------


def test_pasted_addresses_may_be_separated_by_lines_commas_semicolons_and_spaces():
    text = "a@x.fr\nb@x.fr, c@x.fr;d@x.fr e@x.fr\n\n  F@X.FR  "
    assert emails(bulk.parse_text(text)) == [f"{c}@x.fr" for c in "abcdef"]


def test_pasted_name_and_address_forms_are_understood():
    text = 'Jean Dupont <jean@x.fr>, "Marie Curie" <marie@x.fr>\nPaul Martin paul@x.fr'
    assert emails(bulk.parse_text(text)) == ["jean@x.fr", "marie@x.fr", "paul@x.fr"]


def test_pasted_garbage_is_reported_with_its_line():
    rows = bulk.parse_text("a@x.fr\nnimportequoi\nb@x.fr")
    assert [(r.line, r.email) for r in rows] == [(1, "a@x.fr"), (2, None), (3, "b@x.fr")]
    assert rows[1].value == "nimportequoi"


def test_a_csv_with_an_email_header_uses_that_column():
    data = "Nom;Prénom;EMAIL\nDupont;Jean;jean@x.fr\nCurie;Marie;marie@x.fr\n".encode()
    rows = bulk.parse_csv(data)
    assert emails(rows) == ["jean@x.fr", "marie@x.fr"]
    assert [r.line for r in rows] == [2, 3]


def test_a_csv_without_header_uses_the_first_column():
    rows = bulk.parse_csv(b"jean@x.fr,Jean Dupont\nmarie@x.fr,Marie Curie\n")
    assert emails(rows) == ["jean@x.fr", "marie@x.fr"]


def test_a_csv_with_a_utf8_bom_is_read():
    data = "\ufeffnom,email\nHélène Fournier,helene@x.fr\n".encode()
    rows = bulk.parse_csv(data)
    assert [(r.line, r.email) for r in rows] == [(2, "helene@x.fr")]


def test_a_latin1_csv_is_read():
    data = "courriel;nom\nj@x.fr;Jérôme\n".encode("latin-1")
    assert emails(bulk.parse_csv(data)) == ["j@x.fr"]


def test_a_malformed_csv_row_is_reported_with_its_line_number_and_others_are_kept():
    rows = bulk.parse_csv(b"email\na@x.fr\npas une adresse\n\nb@x.fr\n")
    assert [(r.line, r.email) for r in rows] == [(2, "a@x.fr"), (3, None), (5, "b@x.fr")]


# --- invite_many --------------------------------------------------------------------------------


def test_invite_many_reports_every_outcome(
    moderator, member, outsider, club, make_ban, make_invitation, run_on_commit
):
    make_ban(outsider, club)
    make_invitation(club, "deja@x.fr")
    text = "\n".join(
        ["nouveau@x.fr", member.email, "pas-valide", outsider.email, "NOUVEAU@x.fr", "deja@x.fr"]
    )
    with run_on_commit():
        report = actions.invite_many(actor=moderator, club=club, rows=text)
    assert report.pairs() == [
        ("nouveau@x.fr", InviteOutcome.INVITED),
        (member.email, InviteOutcome.ALREADY_MEMBER),
        ("pas-valide", InviteOutcome.INVALID),
        (outsider.email, InviteOutcome.BANNED),
        ("nouveau@x.fr", InviteOutcome.DUPLICATE),
        ("deja@x.fr", InviteOutcome.ALREADY_INVITED),
    ]
    assert report.with_outcome(InviteOutcome.INVALID)[0].line == 3
    assert report.counts()[InviteOutcome.INVITED] == 1
    assert Invitation.objects.filter(club=club).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["deja@x.fr", "nouveau@x.fr"]
    assert [email for email, outcome in report][:1] == ["nouveau@x.fr"]


def test_invite_many_reads_a_csv_file_with_bom_and_a_malformed_row(moderator, club):
    data = "\ufeffNom;Email\nDupont;jean@x.fr\nCurie;marie-at-x.fr\nMartin;paul@x.fr\n".encode()
    report = actions.invite_many(actor=moderator, club=club, rows=data)
    assert [(r.email, r.outcome, r.line) for r in report] == [
        ("jean@x.fr", "invited", 2),
        ("marie-at-x.fr", "invalid", 3),
        ("paul@x.fr", "invited", 4),
    ]


def test_invite_many_accepts_a_list_of_addresses(moderator, club):
    report = actions.invite_many(actor=moderator, club=club, rows=["a@x.fr", "b@x.fr"])
    assert report.pairs() == [("a@x.fr", "invited"), ("b@x.fr", "invited")]


def test_invite_many_accepts_500_addresses(moderator, club):
    rows = [f"personne{n}@x.fr" for n in range(500)]
    report = actions.invite_many(actor=moderator, club=club, rows=rows)
    assert report.counts() == {"invited": 500}


def test_invite_many_refuses_more_than_500_addresses_and_sends_nothing(moderator, club):
    rows = "\n".join(f"personne{n}@x.fr" for n in range(501))
    with pytest.raises(ActionError, match="Au plus 500 adresses par envoi : ") as caught:
        actions.invite_many(actor=moderator, club=club, rows=rows)
    assert "501" in str(caught.value)
    assert not Invitation.objects.exists()


def test_invite_many_is_for_moderators_only(member, club):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.invite_many(actor=member, club=club, rows="a@x.fr")


def test_outcomes_have_french_labels():
    assert str(InviteOutcome.LABELS[InviteOutcome.INVALID]) == "adresse invalide"
