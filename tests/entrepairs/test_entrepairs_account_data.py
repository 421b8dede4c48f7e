"""Personal data: « Télécharger mes données » (all of mine, none of theirs), « Supprimer mon
compte » (both choices), and retention (inactive accounts warned, then deactivated)."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pages import text

from clubs import actions as club_actions
from clubs.models import Club, Membership, MembershipEvent, Role, Visibility
from community.models import EventLog, Profile, User
from messaging import actions as messaging_actions
from messaging.models import Attachment, Post, Reaction
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide-42"
MY_FILE = b"Budget 2026 : mes notes personnelles\n"


def notes(content: bytes = MY_FILE) -> SimpleUploadedFile:
    return SimpleUploadedFile("notes-budget.txt", content, content_type="text/plain")


@pytest.fixture
def conversation(member, author, club, make_thread, make_post):
    """Claire opens a thread with a file; Bruno answers; Claire reacts to Bruno's answer."""
    thread = make_thread(
        club, member, title="Budget primitif", source="Mon texte MARQUEURMOI", uploads=[notes()]
    )
    theirs = make_post(
        thread,
        author,
        source="Réponse de Bruno MARQUEURLUI",
        uploads=[notes(b"Le fichier de Bruno\n")],
    )
    messaging_actions.toggle_reaction(user=member, post=theirs, kind=Reaction.Kind.THANKS)
    return thread, theirs


def export_of(client) -> zipfile.ZipFile:
    response = client.post(reverse("account_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_all_of_mine(conversation, member_client, member):
    archive = export_of(member_client)
    profile = json.loads(archive.read("profil.json"))
    assert profile["adresse_electronique"] == member.email
    assert profile["identifiant_de_mention"] == "claire-martin"
    assert json.loads(archive.read("adhesions.json")) == [
        {"club": "Secrétaires de mairie", "role": "member", "arrivee_le": profile_joined(member)}
    ]
    posts = json.loads(archive.read("messages.json"))
    assert [p["texte"] for p in posts] == ["Mon texte MARQUEURMOI"]
    [path] = posts[0]["pieces_jointes"]
    assert archive.read(path) == MY_FILE
    reactions = json.loads(archive.read("reactions.json"))
    assert [(r["reaction"], r["fil"]) for r in reactions] == [("merci", "Budget primitif")]


def profile_joined(user) -> str:
    return Membership.objects.get(user=user).joined_at.isoformat()


def test_the_export_holds_nothing_of_anyone_else(conversation, member_client):
    archive = export_of(member_client)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"MARQUEURLUI" not in everything
    assert b"Le fichier de Bruno" not in everything
    assert b"auteur@mairie.fr" not in everything
    assert len([n for n in archive.namelist() if n.startswith("fichiers/")]) == 1


def test_the_export_names_no_club_i_can_no_longer_read(
    conversation, member_client, owner, make_club, make_membership
):
    """My thread was moved to a secret club I am not a member of: my post is mine to take, but
    the club's name is not mine to learn."""
    thread, _theirs = conversation
    secret = make_club("Référents RGPD CLUBSECRET", visibility=Visibility.SECRET)
    make_membership(owner, secret, Role.OWNER)
    messaging_actions.move_thread(moderator=owner, thread=thread, to_club=secret)

    archive = export_of(member_client)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"CLUBSECRET" not in everything
    [post] = json.loads(archive.read("messages.json"))
    assert (post["texte"], post["fil"], post["club"]) == (
        "Mon texte MARQUEURMOI",
        "Budget primitif",
        None,
    )


def test_the_export_names_the_club_of_my_post_while_i_may_read_it(conversation, member_client):
    [post] = json.loads(export_of(member_client).read("messages.json"))
    assert post["club"] == "Secrétaires de mairie"


def notify(user, text, **fields) -> Notification:
    return Notification.objects.create(
        recipient=user, kind=Kind.MENTION, text=text, url="/clubs/", **fields
    )


def test_the_export_holds_my_notifications_and_none_of_theirs(member_client, member, author):
    notify(member, "Vous êtes cité NOTIFMOI")
    notify(author, "Vous êtes cité NOTIFLUI")
    archive = export_of(member_client)
    exported = json.loads(archive.read("notifications.json"))
    assert [n["text"] for n in exported["notifications"]] == ["Vous êtes cité NOTIFMOI"]
    assert b"NOTIFLUI" not in b"".join(archive.read(name) for name in archive.namelist())


def test_the_export_is_asked_for_by_post_only(member_client):
    assert member_client.get(reverse("account_export")).status_code == 405


# --- Deletion -----------------------------------------------------------------------------------


def delete_account(client, user, posts="keep"):
    return client.post(
        reverse("account_delete"), {"posts": posts, "confirmation": user.email.upper()}
    )


def file_of(thread, user):
    return Attachment.objects.get(post__thread=thread, uploaded_by=user)


def test_deleting_with_posts_kept_signs_them_ancien_membre(
    conversation, member_client, member, author, media_root, run_on_commit
):
    thread, theirs = conversation
    my_file = media_root / file_of(thread, member).file.name
    their_file = media_root / file_of(thread, author).file.name
    with run_on_commit():
        response = delete_account(member_client, member)
    assert response.status_code == 302
    assert not User.objects.filter(email="membre@mairie.fr").exists()
    mine = Post.objects.get(source="Mon texte MARQUEURMOI")
    assert mine.author is None
    page = Client()
    page.force_login(author)
    html = page.get(
        reverse("messaging:thread", args=[thread.club.slug, thread.pk])
    ).content.decode()
    assert "Ancien membre" in html
    assert "MARQUEURMOI" in html
    # My files are gone, from the database and from the disk; Bruno's stay.
    assert not my_file.exists()
    assert their_file.exists()
    assert not Reaction.objects.filter(post=theirs).exists()


def test_deleting_with_posts_erased_leaves_no_text(
    conversation, member_client, member, run_on_commit
):
    thread, theirs = conversation
    with run_on_commit():
        delete_account(member_client, member, posts="erase")
    assert not Post.objects.filter(source__contains="MARQUEURMOI").exists()
    first = thread.posts.order_by("pk").first()
    assert (first.source, first.html, first.author) == ("", "", None)
    assert first.is_deleted
    # Bruno's answer is untouched, and the thread counts it alone.
    theirs.refresh_from_db()
    assert theirs.source == "Réponse de Bruno MARQUEURLUI"
    thread.refresh_from_db()
    assert thread.post_count == 1


def test_the_club_journals_keep_no_address_of_a_deleted_account(
    member_client, member, owner, club, run_on_commit
):
    membership = Membership.objects.get(user=member, club=club)
    club_actions.change_role(actor=owner, membership=membership, role=Role.MODERATOR)
    with run_on_commit():
        delete_account(member_client, member)
    journal = MembershipEvent.objects.filter(club=club, kind=MembershipEvent.Kind.ROLE_CHANGED)
    assert journal.values_list("target_user", "target_email").get() == (None, "")


def test_after_deletion_login_is_impossible(member_client, member):
    delete_account(member_client, member)
    browser = Client()
    response = browser.post(
        reverse("account_login"), {"login": "membre@mairie.fr", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert browser.get(reverse("account_profile")).status_code == 302
    # And the browser that deleted it is logged out.
    assert member_client.get(reverse("account_profile")).status_code == 302


def test_a_wrong_confirmation_deletes_nothing(member_client, member):
    response = member_client.post(
        reverse("account_delete"), {"posts": "keep", "confirmation": "autre@mairie.fr"}
    )
    assert response.status_code == 200
    assert "Ce n'est pas l'adresse de votre compte" in text(response)
    assert User.objects.filter(pk=member.pk).exists()


def test_a_missing_choice_deletes_nothing(member_client, member):
    response = member_client.post(reverse("account_delete"), {"confirmation": member.email})
    assert response.status_code == 200
    assert response.context["form"].errors["posts"]
    assert User.objects.filter(pk=member.pk).exists()


def test_the_last_owner_must_hand_over_first(owner, member, club, client_for):
    client = client_for(owner)
    page = client.get(reverse("account_delete"))
    assert "Nommez d'abord une autre personne propriétaire" in text(page)
    delete_account(client, owner)
    assert User.objects.filter(pk=owner.pk).exists()
    # Once another owner is named, the account may go.
    Membership.objects.filter(user=member, club=club).update(role=Role.OWNER)
    assert delete_account(client, owner).status_code == 302
    assert not User.objects.filter(pk=owner.pk).exists()


def test_the_only_member_of_a_club_may_leave_it_without_owner(make_user, make_club, client_for):
    alone = make_user()
    Membership.objects.create(user=alone, club=make_club(), role=Role.OWNER)
    assert delete_account(client_for(alone), alone).status_code == 302
    assert Club.objects.count() == 1


# --- Retention ----------------------------------------------------------------------------------


def last_seen(user, days_ago):
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=days_ago))


def retention(now=None):
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    return out.getvalue()


def warned_at(user):
    return Profile.objects.get(user=user).inactivity_warned_at


def test_an_inactive_member_is_warned_then_deactivated(member, author, settings):
    last_seen(member, 400)
    last_seen(author, 10)
    assert "1 membre(s) prévenu(s)" in retention()
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "sera désactivé" in mail.outbox[0].body
    assert warned_at(member) is not None
    # A second run the next day warns nobody again and deactivates nobody yet.
    retention()
    assert len(mail.outbox) == 1
    member.refresh_from_db()
    assert member.is_active
    # After the grace period, still absent: deactivated. The active member is untouched.
    Profile.objects.filter(user=member).update(
        inactivity_warned_at=timezone.now() - timedelta(days=settings.INACTIVE_GRACE_DAYS + 1)
    )
    assert "1 compte(s) désactivé(s)" in retention()
    member.refresh_from_db()
    author.refresh_from_db()
    assert not member.is_active
    assert author.is_active
    assert warned_at(author) is None


def test_a_member_who_comes_back_after_the_warning_stays(member, settings):
    Profile.objects.filter(user=member).update(
        inactivity_warned_at=timezone.now() - timedelta(days=settings.INACTIVE_GRACE_DAYS + 1)
    )
    last_seen(member, 2)  # logged in after the warning
    retention()
    member.refresh_from_db()
    assert member.is_active
    assert warned_at(member) is None


def test_retention_purges_old_live_events(member, settings):
    EventLog.objects.create(
        stream="club.1", seq=1, type="post.created",
        created_at=timezone.now() - timedelta(days=settings.EVENT_RETENTION_DAYS + 1),
    )  # fmt: skip
    EventLog.objects.create(stream="club.1", seq=2, type="post.created")
    retention()
    assert list(EventLog.objects.values_list("seq", flat=True)) == [2]


def test_retention_purges_old_read_notifications_only(member, settings):
    old = timezone.now() - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS + 1)
    notify(member, "ancienne lue", created_at=old, read_at=old)
    notify(member, "ancienne non lue", created_at=old)
    notify(member, "récente lue", read_at=timezone.now())
    retention()
    remaining = Notification.objects.filter(recipient=member).values_list("text", flat=True)
    assert sorted(remaining) == ["ancienne non lue", "récente lue"]
