"""Selectors: right rows, right order, and a query count that does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clubs import actions, selectors
from clubs.models import Club, Membership, Role, Visibility

pytestmark = pytest.mark.django_db


def count_queries(consume) -> int:
    with CaptureQueriesContext(connection) as captured:
        consume()
    return len(captured)


@pytest.fixture
def grow(make_user, make_club, make_membership, make_invitation, make_join_request, make_ban):
    """Add `n` clubs and, to `club`, `n` members of each role, invitations, requests, bans and
    events."""

    def add(club, n):
        staff = make_user(is_staff=True)
        for _ in range(n):
            other = make_club()
            for role in (Role.OWNER, Role.MODERATOR, Role.MEMBER):
                make_membership(make_user(display_name="Anne Autre"), other, role)
                make_membership(make_user(), club, role)
            make_invitation(club, make_user().email.replace("@", ".invite@"), invited_by=staff)
            make_join_request(make_user(), club)
            make_join_request(make_user(), other)
            make_ban(make_user(), club, banned_by=staff)
            actions.update_club(actor=staff, club=club, description=f"Version {make_user().pk}")

    return add


def consume_all(user, club):
    """Read every selector and every related field a page would show."""

    def run():
        seen = []
        for c in selectors.clubs_for_directory(user):
            seen.append((c.member_count, c.is_member, c.has_pending_request))
        for m in selectors.my_memberships(user):
            seen.append(m.club.name)
        for m in selectors.club_members(club):
            seen.append((m.user.display_name, m.user.profile.job_title))
        for i in selectors.pending_invitations(club):
            seen.append(i.invited_by.display_name if i.invited_by else "")
        for r in selectors.pending_join_requests(club):
            seen.append(r.user.display_name)
        for b in selectors.club_bans(club):
            seen.append((b.user.display_name, b.banned_by.display_name))
        for e in selectors.audit_log(club):
            seen.append(e.actor.display_name if e.actor else "")
            seen.append(e.target_user.display_name if e.target_user else "")
        return seen

    return run


def test_selectors_query_count_does_not_grow_with_the_data(grow, member, club):
    grow(club, 2)
    small = count_queries(consume_all(member, club))
    grow(club, 8)
    large = count_queries(consume_all(member, club))
    assert small == large == 7


def test_each_selector_is_one_query(grow, member, club, django_assert_num_queries):
    grow(club, 3)
    for queryset in (
        selectors.clubs_for_directory(member),
        selectors.my_memberships(member),
        selectors.club_members(club),
        selectors.pending_invitations(club),
        selectors.pending_join_requests(club),
        selectors.audit_log(club),
    ):
        with django_assert_num_queries(1):
            list(queryset)


def test_the_directory_lists_listed_active_clubs_with_counts_and_flags(
    make_club, make_user, make_membership, make_join_request, member, club
):
    secret = make_club(visibility=Visibility.SECRET)
    archived = make_club(archived=True)
    other = make_club("Zèbres")
    make_membership(member, secret)
    make_membership(make_user(), other)
    make_membership(make_user(), other)
    make_join_request(member, other)
    rows = {c.pk: c for c in selectors.clubs_for_directory(member)}
    assert secret.pk not in rows
    assert archived.pk not in rows
    assert rows[club.pk].is_member and not rows[club.pk].has_pending_request
    assert rows[club.pk].member_count == 1
    assert not rows[other.pk].is_member and rows[other.pk].has_pending_request
    assert rows[other.pk].member_count == 2


def test_the_directory_is_empty_for_anonymous_users(club):
    from django.contrib.auth.models import AnonymousUser

    assert list(selectors.clubs_for_directory(AnonymousUser())) == []


def test_members_are_ordered_by_role_then_name(make_user, make_membership, club):
    for name, role in [
        ("Zoé Membre", Role.MEMBER),
        ("Albert Membre", Role.MEMBER),
        ("Yves Modérateur", Role.MODERATOR),
        ("Xavier Propriétaire", Role.OWNER),
        ("bernard minuscule", Role.MEMBER),
    ]:
        make_membership(make_user(display_name=name), club, role)
    names = [m.user.display_name for m in selectors.club_members(club)]
    assert names == [
        "Xavier Propriétaire",
        "Yves Modérateur",
        "Albert Membre",
        "bernard minuscule",
        "Zoé Membre",
    ]


def test_my_memberships_lists_the_users_clubs_active_first(make_user, make_club, make_membership):
    user = make_user()
    make_membership(user, make_club("B", archived=True))
    make_membership(user, make_club("C"))
    make_membership(user, make_club("A"))
    assert [m.club.name for m in selectors.my_memberships(user)] == ["A", "C", "B"]


def test_pending_selectors_leave_out_answered_and_expired_items(
    make_invitation, make_join_request, make_user, moderator, club
):
    from datetime import timedelta

    from django.utils import timezone

    live, _ = make_invitation(club, "live@x.fr")
    make_invitation(club, "old@x.fr", expires_at=timezone.now() - timedelta(days=1))
    revoked, _ = make_invitation(club, "revoked@x.fr")
    actions.revoke_invitation(actor=moderator, invitation=revoked)
    waiting = make_join_request(make_user(), club)
    refused = make_join_request(make_user(), club)
    actions.refuse_join_request(actor=moderator, join_request=refused)
    assert list(selectors.pending_invitations(club)) == [live]
    assert list(selectors.pending_join_requests(club)) == [waiting]


def test_the_audit_log_is_newest_first(staff, club, member):
    actions.update_club(actor=staff, club=club, description="un")
    actions.leave_club(user=member, club=club)
    assert [e.kind for e in selectors.audit_log(club)] == ["left", "club_updated"]


def test_selectors_do_not_leak_other_clubs(make_club, make_user, make_membership, club):
    other = make_club()
    make_membership(make_user(), other)
    assert list(selectors.club_members(club)) == []
    assert Club.objects.count() == 2
    assert Membership.objects.count() == 1
