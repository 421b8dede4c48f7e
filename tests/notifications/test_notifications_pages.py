"""The notifications page (unread first, mark read, mark all read, pagination, empty state), the
header badge, and the preferences page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clubs import actions as club_actions
from clubs.models import Membership
from notifications.models import Channel, Frequency, Kind, Notification
from notifications.selectors import preference_of

pytestmark = pytest.mark.django_db

LIST = "/notifications/"


def add_notifications(user, club, actor, count: int, *, read: bool = False):
    from django.utils import timezone

    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Kind.MENTION,
            club=club,
            actor=actor,
            text=f"Notification {n}",
            url=f"/clubs/{club.slug}/",
            read_at=timezone.now() if read else None,
        )
        for n in range(count)
    )


def test_the_page_shows_unread_first_with_a_badge_in_the_header(client_for, member, author, club):
    add_notifications(member, club, author, 2, read=True)
    add_notifications(member, club, author, 1)
    Notification.objects.filter(read_at__isnull=True).update(text="La plus importante")
    html = client_for(member).get(LIST).content.decode()
    assert html.index("La plus importante") < html.index("Notification 0")
    assert 'data-unread-notifications>1<span class="visually-hidden"> non lue</span>' in html


def test_following_a_notification_marks_it_read_and_leads_to_its_target(
    client_for, member, author, club, mention
):
    post = mention(author, member)
    notification = Notification.objects.get(recipient=member, kind=Kind.MENTION)
    response = client_for(member).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:post", args=[club.slug, post.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None


# Real commits: the page's reading is told to notifications after its own commit, before the
# page is rendered, as in production.
@pytest.mark.django_db(transaction=True)
def test_reading_a_thread_marks_read_the_notifications_of_the_posts_it_shows(
    client_for, member, author, club, mention
):
    read_here = mention(author, member)
    elsewhere = mention(author, member, text="et dans cet autre fil ?")
    client = client_for(member)
    page = client.get(reverse("messaging:thread", args=[club.slug, read_here.thread_id]))
    mentions = Notification.objects.filter(recipient=member, kind=Kind.MENTION)
    url_of = {
        post: reverse("messaging:post", args=[club.slug, post.pk])
        for post in (read_here, elsewhere)
    }
    assert mentions.get(url=url_of[read_here]).read_at is not None
    assert mentions.get(url=url_of[elsewhere]).read_at is None
    unread_now = Notification.objects.filter(recipient=member, read_at__isnull=True).count()
    assert f"data-unread-notifications>{unread_now}<" in page.content.decode()


def test_someone_elses_notification_is_a_404(client_for, member, author, club):
    add_notifications(author, club, member, 1)
    notification = Notification.objects.get()
    response = client_for(member).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_mark_all_read(client_for, member, author, club):
    add_notifications(member, club, author, 3)
    client = client_for(member)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "Toutes vos notifications sont marquées comme lues." in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 0}


def test_the_empty_state(client_for, member):
    html = client_for(member).get(LIST).content.decode()
    assert "Aucune notification pour l" in html
    assert "Tout marquer comme lu" not in html


def test_pagination(client_for, member, author, club):
    add_notifications(member, club, author, 25)
    client = client_for(member)
    first = client.get(LIST).content.decode()
    assert "Page 1 sur 2" in first and first.count('class="notification ') == 20
    second = client.get(LIST + "?page=2").content.decode()
    assert second.count('class="notification ') == 5
    assert client.get(LIST + "?page=abc").status_code == 200


def test_a_removed_member_no_longer_sees_notifications_about_the_club(
    client_for, member, owner, author, club, mention
):
    mention(author, member)
    club_actions.remove_member(
        actor=owner, membership=Membership.objects.get(user=member, club=club)
    )
    client = client_for(member)
    html = client.get(LIST).content.decode()
    assert "vous a mentionné" not in html
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 0}
    notification = Notification.objects.get(recipient=member, kind=Kind.MENTION)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_moderation_notifications_stop_when_the_role_goes(
    client_for, moderator, owner, outsider, club
):
    club_actions.request_to_join(user=outsider, club=club)
    client = client_for(moderator)
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 1}
    club_actions.change_role(
        actor=owner, membership=Membership.objects.get(user=moderator, club=club), role="member"
    )
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 0}


def test_the_page_runs_the_same_queries_at_two_sizes(client_for, member, author, club, other_club):
    client = client_for(member)
    add_notifications(member, club, author, 3)
    client.get(LIST)  # warm the session and the caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(LIST).status_code == 200
    add_notifications(member, club, author, 300)
    add_notifications(member, other_club, author, 30, read=True)
    with CaptureQueriesContext(connection) as large:
        assert client.get(LIST).status_code == 200
    assert len(small) == len(large)


def test_the_preferences_page_shows_the_defaults_and_saves_choices(client_for, member):
    client = client_for(member)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert "<legend>Mentions de mon identifiant</legend>" in html
    assert 'name="mention" value="email" id="id_mention_1" required checked' in html
    assert 'name="digest_frequency" value="weekly"' in html
    response = client.post(
        reverse("notifications:preferences"),
        {
            "mention": "site",
            "reply": "email",
            "new_thread": "off",
            "club_admin": "digest",
            "digest_frequency": "daily",
        },
        follow=True,
    )
    assert "Vos préférences sont enregistrées." in response.content.decode()
    preference = preference_of(member)
    assert (preference.mention, preference.reply, preference.new_thread) == (
        Channel.SITE,
        Channel.EMAIL,
        Channel.OFF,
    )
    assert preference.digest_frequency == Frequency.DAILY


def test_a_bad_choice_is_refused_with_a_message_and_nothing_saved(client_for, member):
    response = client_for(member).post(
        reverse("notifications:preferences"), {"mention": "pigeon", "digest_frequency": "daily"}
    )
    assert response.status_code == 200
    assert "Certains choix ne sont pas valables" in response.content.decode()
    assert preference_of(member).pk is None


def test_visitors_are_sent_to_the_login_page(client):
    for url in (LIST, reverse("notifications:preferences")):
        assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_mark_all_read_answers_the_page_script_in_json(client_for, member, author, club):
    add_notifications(member, club, author, 2)
    client = client_for(member)
    response = client.post(
        reverse("notifications:mark_all_read"), headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "message": "Toutes vos notifications sont marquées comme lues.",
        "unread": 0,
    }
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 0}
