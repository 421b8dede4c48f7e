"""Reports: a member reports a post of their club; the club's moderators hide it or dismiss the
report; the person who reported it is told by email, if they are still a member."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pages import markup, text

from clubs.models import Role
from community.action_errors import ActionError
from messaging import actions, tasks
from messaging.models import Post, Report
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(club, author, make_thread, make_post):
    thread = make_thread(club, author, title="Délibération budgétaire")
    return make_post(thread, author, source="Un message **désobligeant** envers un collègue.")


@pytest.fixture
def second_reporter(make_user, make_membership, club):
    user = make_user("second@mairie.fr", display_name="Hugo Second")
    make_membership(user, club, Role.MEMBER)
    return user


def report_url(club, post):
    return reverse("messaging:report", args=[club.slug, post.pk])


def queue_url(club):
    return reverse("messaging:reports", args=[club.slug])


def resolve_url(club, report):
    return reverse("messaging:resolve_report", args=[club.slug, report.pk])


def permalink(club, post):
    return reverse("messaging:post", args=[club.slug, post.pk])


def said(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def resolve(client, club, report, decision, note="", run_on_commit=None):
    data = {"decision": decision, f"signalement-{report.pk}-note": note}
    with run_on_commit():
        return client.post(resolve_url(club, report), data)


# --- Reporting ----------------------------------------------------------------------------------


def test_a_member_sees_the_report_form_with_the_post_excerpt(club, member, post, client_for):
    response = client_for(member).get(report_url(club, post))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<strong>désobligeant</strong>" in content
    assert "Bruno Petit" in content
    assert 'for="id_reason"' in content
    assert "Signaler le message" in content


def test_a_member_reports_a_post_and_it_appears_in_the_moderators_queue(
    club, member, moderator, post, client_for
):
    response = client_for(member).post(report_url(club, post), {"reason": "Propos injurieux"})
    assert response.status_code == 302
    assert response["Location"] == permalink(club, post)
    assert said(response) == ["Merci : la modération du club va regarder ce message."]
    report = Report.objects.get()
    assert (report.post, report.reporter, report.reason) == (post, member, "Propos injurieux")
    assert report.status == Report.Status.OPEN

    queue = client_for(moderator).get(queue_url(club))
    assert queue.status_code == 200
    content = queue.content.decode()
    assert "Propos injurieux" in content
    assert "Claire Martin" in content  # the reporter
    assert "Bruno Petit" in content  # the author
    assert "Délibération budgétaire" in content
    assert permalink(club, post) in content
    assert "Masquer le message" in content and "Classer sans suite" in content


def test_an_empty_reason_is_refused(club, member, post, client_for):
    response = client_for(member).post(report_url(club, post), {"reason": "   "})
    assert response.status_code == 400
    assert "Indiquez un motif." in response.content.decode()
    assert not Report.objects.exists()


def test_a_too_long_reason_is_refused(club, member, post, client_for):
    response = client_for(member).post(report_url(club, post), {"reason": "x" * 501})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_reporting_ones_own_post_is_refused(club, author, post, client_for):
    client = client_for(author)
    response = client.post(report_url(club, post), {"reason": "Je me dénonce"})
    assert response.status_code == 302
    assert said(response) == ["Vous ne pouvez pas signaler votre propre message."]
    page = client.get(report_url(club, post))
    assert page.status_code == 200
    assert "Vous ne pouvez pas signaler votre propre message." in page.content.decode()
    assert 'name="reason"' not in page.content.decode()
    assert not Report.objects.exists()


def test_the_action_refuses_reporting_ones_own_post(author, post):
    with pytest.raises(ActionError):
        actions.report_post(reporter=author, post=post, reason="Moi-même")


def test_reporting_the_same_post_twice_is_refused(club, member, post, client_for):
    client = client_for(member)
    client.post(report_url(club, post), {"reason": "Propos injurieux"})
    response = client.post(report_url(club, post), {"reason": "Encore"})
    assert response.status_code == 302
    assert said(response)[-1] == "Vous avez déjà signalé ce message ; la modération va le regarder."
    assert Report.objects.count() == 1
    page = client.get(report_url(club, post))
    assert page.status_code == 200
    assert "Vous avez déjà signalé ce message" in page.content.decode()
    assert 'name="reason"' not in page.content.decode()


def test_an_outsider_gets_404_on_the_report_form(club, outsider, post, client_for):
    client = client_for(outsider)
    assert client.get(report_url(club, post)).status_code == 404
    assert client.post(report_url(club, post), {"reason": "x"}).status_code == 404
    assert not Report.objects.exists()


def test_a_hidden_post_cannot_be_reported(club, member, moderator, post, client_for):
    actions.hide_post(moderator=moderator, post=post, reason="Hors sujet")
    response = client_for(member).post(report_url(club, post), {"reason": "Propos injurieux"})
    assert response.status_code == 302
    assert not Report.objects.exists()


# --- The queue ----------------------------------------------------------------------------------


def test_a_member_gets_403_on_the_queue_and_an_outsider_404(club, member, outsider, client_for):
    assert client_for(member).get(queue_url(club)).status_code == 403
    assert client_for(outsider).get(queue_url(club)).status_code == 404


def test_a_moderator_of_another_club_gets_404(club, other_club_member, client_for):
    assert client_for(other_club_member).get(queue_url(club)).status_code == 404


def test_site_staff_who_are_not_members_get_404(club, member, post, staff, client_for):
    # Staff run clubs but do not read their discussions, and reports quote posts.
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    client = client_for(staff)
    assert client.get(queue_url(club)).status_code == 404
    assert client.post(resolve_url(club, report), {"decision": "hide"}).status_code == 404


def test_site_staff_who_are_plain_members_get_403(club, staff, make_membership, client_for):
    make_membership(staff, club, Role.MEMBER)
    assert client_for(staff).get(queue_url(club)).status_code == 403


def test_the_owner_sees_the_queue(club, make_user, make_membership, client_for):
    owner = make_user(display_name="Odile Propriétaire")
    make_membership(owner, club, Role.OWNER)
    assert client_for(owner).get(queue_url(club)).status_code == 200


def test_an_empty_queue_says_so(club, moderator, client_for):
    response = client_for(moderator).get(queue_url(club))
    assert response.status_code == 200
    assert "Aucun signalement à traiter" in response.content.decode()


def test_the_queue_shows_only_open_reports_of_the_club(
    club, member, moderator, post, other_club, other_club_member, make_thread, client_for
):
    Report.objects.create(post=post, reporter=member, reason="Ouvert", status="open")
    Report.objects.create(post=post, reporter=member, reason="Déjà traité", status="dismissed")
    elsewhere = make_thread(other_club, other_club_member).posts.get()
    Report.objects.create(post=elsewhere, reporter=None, reason="Autre club")
    content = client_for(moderator).get(queue_url(club)).content.decode()
    assert "Ouvert" in content
    assert "Déjà traité" not in content
    assert "Autre club" not in content


def _reports_on_new_posts(thread, author, reporter, count: int) -> None:
    posts = Post.objects.bulk_create(
        Post(thread=thread, author=author, source=f"m{n}", html=f"<p>m{n}</p>")
        for n in range(count)
    )
    Report.objects.bulk_create(
        Report(post=p, reporter=reporter, reason=f"motif {p.pk}") for p in posts
    )


def test_the_queue_is_paginated_by_fifty(club, author, member, moderator, make_thread, client_for):
    thread = make_thread(club, author)
    _reports_on_new_posts(thread, author, member, 51)
    client = client_for(moderator)
    first = client.get(queue_url(club))
    assert first.content.decode().count('name="decision" value="hide"') == 50
    assert "Page 1 sur 2" in first.content.decode()
    second = client.get(queue_url(club) + "?page=2")
    assert second.content.decode().count('name="decision" value="hide"') == 1


def test_the_queue_query_count_does_not_grow_with_reports(
    club, author, member, moderator, make_thread, client_for
):
    thread = make_thread(club, author)
    client = client_for(moderator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(queue_url(club)).status_code == 200
        return len(captured)

    _reports_on_new_posts(thread, author, member, 2)
    few = queries()
    _reports_on_new_posts(thread, author, member, 8)
    assert queries() == few


# --- Resolving ----------------------------------------------------------------------------------


def test_hiding_closes_every_open_report_on_the_post_and_emails_each_reporter(
    club, member, second_reporter, moderator, post, client_for, run_on_commit, settings
):
    settings.SITE_URL = "https://entrepairs.example"
    first = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    actions.report_post(reporter=second_reporter, post=post, reason="Attaque personnelle")

    response = resolve(
        client_for(moderator), club, first, "hide", "Merci, c'est masqué.", run_on_commit
    )
    assert response.status_code == 302
    assert response["Location"] == queue_url(club)
    assert said(response) == [
        "Le message est masqué. Les 2 signalements qui le visaient sont traités et les "
        "personnes qui l'ont signalé en sont averties."
    ]
    post.refresh_from_db()
    assert post.is_hidden
    assert post.hidden_by == moderator
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.HIDDEN}
    assert {tuple(m.to) for m in mail.outbox} == {(member.email,), (second_reporter.email,)}

    message = next(m for m in mail.outbox if m.to == [member.email])
    assert message.subject == (
        "[Entre pairs] Votre signalement dans « Secrétaires de mairie » : message masqué"
    )
    assert "Bonjour Claire Martin," in message.body
    assert "a masqué le message" in message.body
    assert "Merci, c'est masqué." in message.body
    assert "Propos injurieux" in message.body
    # No link to what the reporter can no longer see: the club's page only.
    club_link = "https://entrepairs.example" + reverse("clubs:detail", args=[club.slug])
    assert club_link in message.body
    assert f"/messages/{post.pk}/" not in message.body
    assert "désobligeant" not in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert f'href="{club_link}"' in html
    assert f"/messages/{post.pk}/" not in html


def test_dismissing_keeps_the_post_visible_and_emails_the_reporter(
    club, member, second_reporter, moderator, post, client_for, run_on_commit, settings
):
    settings.SITE_URL = "https://entrepairs.example"
    report = actions.report_post(reporter=member, post=post, reason="Je ne suis pas d'accord")
    other = actions.report_post(reporter=second_reporter, post=post, reason="Autre motif")

    response = resolve(
        client_for(moderator),
        club,
        report,
        "dismiss",
        "Un désaccord n'est pas une faute.",
        run_on_commit,
    )
    assert response.status_code == 302
    assert said(response)[0].startswith("Signalement classé sans suite")
    post.refresh_from_db()
    assert post.is_visible
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED
    assert report.handled_by == moderator
    assert report.resolution_note == "Un désaccord n'est pas une faute."
    other.refresh_from_db()
    assert other.status == Report.Status.OPEN  # each report is judged on its own
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert message.subject.endswith("classé sans suite")
    assert "Un désaccord n'est pas une faute." in message.body
    assert "le message reste visible" in message.body
    # The post is still visible to them: the email may lead back to it.
    assert "https://entrepairs.example" + permalink(club, post) in message.body


def test_a_reporter_removed_from_the_club_before_the_decision_gets_no_email(
    club, member, moderator, post, client_for, run_on_commit
):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    member.club_memberships.filter(club=club).delete()
    resolve(client_for(moderator), club, report, "hide", "", run_on_commit)
    report.refresh_from_db()
    assert report.status == Report.Status.HIDDEN
    assert mail.outbox == []


def test_a_deactivated_reporter_gets_no_email(
    club, member, moderator, post, client_for, run_on_commit
):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    member.is_active = False
    member.save()
    resolve(client_for(moderator), club, report, "dismiss", "", run_on_commit)
    assert mail.outbox == []


def test_the_email_task_sends_nothing_for_an_open_or_missing_report(member, post):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    assert tasks.send_report_outcome_email.call(report.pk) is False
    assert tasks.send_report_outcome_email.call(999_999) is False
    assert mail.outbox == []


def test_a_member_gets_403_when_resolving(club, member, second_reporter, post, client_for):
    report = actions.report_post(reporter=second_reporter, post=post, reason="Propos injurieux")
    response = client_for(member).post(resolve_url(club, report), {"decision": "hide"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN


def test_an_outsider_gets_404_when_resolving(club, member, outsider, post, client_for):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    response = client_for(outsider).post(resolve_url(club, report), {"decision": "hide"})
    assert response.status_code == 404


def test_a_report_of_another_club_gets_404_through_this_clubs_address(
    other_club, other_club_member, member, post, client_for
):
    # The moderator of the other club tries the id of a report of this club.
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    response = client_for(other_club_member).post(
        resolve_url(other_club, report), {"decision": "hide"}
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN


def test_resolving_answers_post_only(club, member, moderator, post, client_for):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    assert client_for(moderator).get(resolve_url(club, report)).status_code == 405


def test_resolving_a_handled_report_again_says_so(
    club, member, moderator, post, client_for, run_on_commit
):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    client = client_for(moderator)
    resolve(client, club, report, "dismiss", "", run_on_commit)
    response = resolve(client, club, report, "hide", "", run_on_commit)
    assert response.status_code == 302
    assert said(response)[-1] == "Ce signalement a déjà été traité."
    post.refresh_from_db()
    assert post.is_visible
    assert len(mail.outbox) == 1


def test_an_unknown_decision_changes_nothing(
    club, member, moderator, post, client_for, run_on_commit
):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    response = resolve(client_for(moderator), club, report, "supprimer", "", run_on_commit)
    assert response.status_code == 302
    assert said(response) == ["Choisissez de masquer le message ou de classer le signalement."]
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN
    assert mail.outbox == []


def test_a_too_long_note_is_refused(club, member, moderator, post, client_for, run_on_commit):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    response = resolve(client_for(moderator), club, report, "hide", "x" * 501, run_on_commit)
    assert said(response) == [
        "Le motif et la note font chacun 500 caractères au plus : raccourcissez-les."
    ]
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN


def test_resolving_returns_to_the_same_page_of_the_queue(
    club, member, moderator, post, client_for, run_on_commit
):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    with run_on_commit():
        response = client_for(moderator).post(
            resolve_url(club, report), {"decision": "dismiss", "page": "2"}
        )
    assert response["Location"] == queue_url(club) + "?page=2"


# --- Two audiences, and never one's own post ----------------------------------------------------


def test_the_public_reason_and_the_note_to_the_reporter_go_each_to_its_own_audience(
    club, member, moderator, post, client_for, run_on_commit
):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    data = {
        "decision": "hide",
        f"signalement-{report.pk}-public_reason": "Propos hors charte",
        f"signalement-{report.pk}-note": "Merci Claire, c'est traité.",
    }
    with run_on_commit():
        client_for(moderator).post(resolve_url(club, report), data)
    post.refresh_from_db()
    assert post.hidden_reason == "Propos hors charte"
    [message] = mail.outbox
    assert "Merci Claire, c'est traité." in message.body
    thread_page = client_for(member).get(permalink(club, post), follow=True).content.decode()
    assert "Propos hors charte" in thread_page
    assert "Merci Claire" not in thread_page
    assert "Propos injurieux" not in thread_page


def test_hiding_without_a_public_reason_never_shows_the_note_or_the_report(
    club, member, moderator, post, client_for, run_on_commit
):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    resolve(client_for(moderator), club, report, "hide", "Note privée", run_on_commit)
    post.refresh_from_db()
    assert post.hidden_reason == "après un signalement"


@pytest.fixture
def promoted_author(club, author):
    """The author of the reported post has become a moderator of the club."""
    club.memberships.filter(user=author).update(role=Role.MODERATOR)
    return author


def test_a_moderator_is_not_told_of_reports_on_their_own_post(
    club, member, moderator, promoted_author, post, run_on_commit
):
    with run_on_commit():
        actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    told = set(
        Notification.objects.filter(kind=Kind.CLUB_ADMIN).values_list("recipient", flat=True)
    )
    assert moderator.pk in told
    assert promoted_author.pk not in told


def test_a_moderator_cannot_handle_a_report_on_their_own_post(
    club, member, promoted_author, post, client_for
):
    report = actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    queue = client_for(promoted_author).get(queue_url(club)).content.decode()
    assert "C'est votre message : un·e autre membre de l'équipe de modération en décide." in queue
    assert resolve_url(club, report) not in queue
    with pytest.raises(ActionError) as refusal:
        actions.resolve_report(moderator=promoted_author, report=report, hide=False)
    assert refusal.value.code == "own_post"
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN


def test_a_moderator_cannot_restore_or_hide_their_own_post(
    club, moderator, promoted_author, post, client_for
):
    actions.hide_post(moderator=moderator, post=post, reason="Hors charte")
    with pytest.raises(ActionError):
        actions.restore_post(moderator=promoted_author, post=post)
    client = client_for(promoted_author)
    response = client.post(reverse("messaging:restore_post", args=[club.slug, post.pk]))
    assert response.status_code == 302
    assert said(response) == [
        "C'est votre propre message : un·e autre membre de l'équipe de modération en décide."
    ]
    post.refresh_from_db()
    assert post.is_hidden
    page = client.get(permalink(club, post), follow=True).content.decode()
    assert reverse("messaging:restore_post", args=[club.slug, post.pk]) not in page


def test_the_hide_page_of_ones_own_post_says_why_in_french(
    club, moderator, promoted_author, post, client_for
):
    hide_url = reverse("messaging:hide_post", args=[club.slug, post.pk])
    response = client_for(promoted_author).get(hide_url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{post.pk}")
    assert said(response) == [
        "C'est votre propre message : un·e autre membre de l'équipe de modération en décide."
    ]
    assert client_for(promoted_author).post(hide_url, {"reason": "Hors charte"}).status_code == 302
    post.refresh_from_db()
    assert not post.is_hidden


def test_the_thread_page_offers_a_moderator_no_hide_nor_restore_of_their_own_post(
    club, moderator, promoted_author, post, make_post, client_for
):
    other = make_post(post.thread, moderator, source="La réponse de la modératrice.")
    page = client_for(promoted_author).get(permalink(club, post), follow=True).content.decode()
    assert reverse("messaging:hide_post", args=[club.slug, post.pk]) not in page
    assert reverse("messaging:hide_post", args=[club.slug, other.pk]) in page
    assert reverse("messaging:report", args=[club.slug, post.pk]) not in page
    assert reverse("messaging:report", args=[club.slug, other.pk]) in page


def test_when_only_the_author_moderates_the_club_the_staff_are_told_to_name_someone(
    club, member, author, staff, post, run_on_commit
):
    club.memberships.filter(user=author).update(role=Role.OWNER)
    with run_on_commit():
        actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    [told] = Notification.objects.filter(kind=Kind.CLUB_ADMIN)
    assert told.recipient == staff
    assert told.url == reverse("clubs:staff_edit", args=[club.slug])
    assert "seul son auteur·rice modère le club" in told.text
    assert post.thread.title not in told.text  # staff read no discussion


def test_the_staff_are_not_told_when_another_moderator_decides(
    club, member, moderator, promoted_author, staff, post, run_on_commit
):
    with run_on_commit():
        actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    told = set(
        Notification.objects.filter(kind=Kind.CLUB_ADMIN).values_list("recipient", flat=True)
    )
    assert told == {moderator.pk}


# --- What waits for the moderators --------------------------------------------------------------


def test_pending_reports_are_counted_in_the_moderation_tabs_and_under_a_traiter(
    club, member, second_reporter, moderator, post, client_for
):
    actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    actions.report_post(reporter=second_reporter, post=post, reason="Attaque personnelle")
    client = client_for(moderator)
    queue = text(client.get(queue_url(club)))
    assert "Signalements 2 signalements à traiter" in queue
    home = text(client.get(reverse("home")))
    assert f"À traiter {club.name} : 2 signalements" in home


def test_with_nothing_pending_no_count_and_no_a_traiter(club, moderator, post, client_for):
    client = client_for(moderator)
    assert "à traiter" not in text(client.get(queue_url(club))).replace(
        "Aucun signalement à traiter", ""
    )
    assert "À traiter" not in text(client.get(reverse("home")))


def test_reports_nobody_may_decide_are_listed_for_the_staff_under_a_traiter(
    club, member, author, staff, post, client_for
):
    club.memberships.filter(user=author).update(role=Role.OWNER)
    actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    response = client_for(staff).get(reverse("home"))
    home = text(response)
    assert (
        f"À traiter {club.name} : 1 signalement sans personne pour en décider — nommez un·e "
        "autre propriétaire ou modérateur·rice" in home
    )
    assert reverse("clubs:staff_edit", args=[club.slug]) in markup(response)
    assert "Propos injurieux" not in home and post.thread.title not in home


def test_the_staff_have_nothing_to_do_while_a_moderator_may_decide(
    club, member, moderator, author, staff, post, client_for
):
    actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    assert "À traiter" not in text(client_for(staff).get(reverse("home")))


def test_a_report_on_the_post_of_a_deleted_account_waits_for_the_moderators(
    club, member, moderator, author, staff, post, client_for
):
    actions.report_post(reporter=member, post=post, reason="Propos injurieux")
    Post.objects.filter(pk=post.pk).update(author=None)
    assert "À traiter" not in text(client_for(staff).get(reverse("home")))
    assert f"{club.name} : 1 signalement" in text(client_for(moderator).get(reverse("home")))


def test_the_staff_dashboard_costs_the_same_with_1_and_6_unhandled_reports(
    club, author, staff, make_user, make_membership, make_thread, make_post, client_for
):
    club.memberships.filter(user=author).update(role=Role.OWNER)
    thread = make_thread(club, author, title="Un fil")

    def report_more(count):
        for _ in range(count):
            reporter = make_user()
            make_membership(reporter, club)
            actions.report_post(reporter=reporter, post=make_post(thread, author), reason="x")

    client = client_for(staff)
    report_more(1)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    report_more(5)
    with CaptureQueriesContext(connection) as large:
        assert "6 signalements sans personne" in text(client.get(reverse("home")))
    assert len(large) == len(small)


def test_the_counts_of_pending_reports_cost_the_same_with_1_and_8_reports(
    club, author, moderator, make_user, make_membership, make_thread, make_post, client_for
):
    thread = make_thread(club, author, title="Un fil")
    pages = [
        reverse("home"),
        reverse("clubs:detail", args=[club.slug]),
        reverse("clubs:moderation", args=[club.slug]),
    ]

    def report_more(count):
        for _ in range(count):
            reporter = make_user()
            make_membership(reporter, club)
            actions.report_post(reporter=reporter, post=make_post(thread, author), reason="x")

    def costs(client):
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    client = client_for(moderator)
    report_more(1)
    small = costs(client)
    report_more(7)
    assert costs(client) == small
    assert "8 signalements à traiter" in text(client.get(pages[1]))
