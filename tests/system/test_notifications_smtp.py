"""A mention travels as a notification email through a real SMTP server on loopback: its headers
(one-click unsubscribe, multipart/alternative) and its links (the exact post, the preferences,
unsubscribing without logging in) work."""

import re

import pytest
from django.urls import reverse

from notifications.models import Channel
from notifications.selectors import preference_of

pytestmark = [pytest.mark.system, pytest.mark.django_db]


def test_a_mention_email_travels_by_smtp_and_its_links_work(
    client, member, author, club, make_thread, make_post, run_on_commit, smtp_server
):
    thread = make_thread(club, author, title="Délibération budgétaire")
    with run_on_commit():
        post = make_post(thread, author, source=f"@{member.profile.handle} qu'en pensez-vous ?")

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == member.email
    assert message.get_content_type() == "multipart/alternative"
    assert "Bruno Petit vous a mentionné·e" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<http://testserver(/notifications/desabonnement/\S+/)>",
        message["List-Unsubscribe"].strip(),  # folded: too long for one line
    ).group(1)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    permalink = reverse("messaging:post", args=[club.slug, post.pk])
    assert f"http://testserver{permalink}" in text and f"http://testserver{permalink}" in html
    assert f"http://testserver{unsubscribe}" in text

    # The post's link: to the login page first, then to the exact post.
    assert client.get(permalink)["Location"].startswith(reverse("account_login"))
    client.force_login(member)
    page = client.get(permalink, follow=True)
    assert page.status_code == 200
    assert f'id="message-{post.pk}"' in page.content.decode()
    preferences = re.search(r"http://testserver(/notifications/preferences/)", text).group(1)
    assert client.get(preferences).status_code == 200

    # Unsubscribing needs no login: the page asks, the mail client's one-click POST does it.
    client.logout()
    assert "Confirmer le désabonnement" in client.get(unsubscribe).content.decode()
    response = client.post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert preference_of(member).mention == Channel.SITE
