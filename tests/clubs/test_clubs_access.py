"""Every rule of clubs.access, with an allow and a deny case for each kind of person."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from clubs import access, actions
from clubs.models import Membership, Role, Visibility
from community.models import User

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "non_member",
    "member_of_another_club",
    "removed",
    "banned",
    "member",
    "moderator",
    "owner",
    "staff",
]


@pytest.fixture
def persona(make_user, make_club, make_membership):
    """Build the person of a given kind for a club."""

    def build(kind: str, club):
        if kind == "anonymous":
            return AnonymousUser()
        if kind == "staff":
            return make_user(is_staff=True)
        user = make_user()
        if kind == "member_of_another_club":
            make_membership(user, make_club(), Role.MODERATOR)
        elif kind in ("member", "moderator", "owner"):
            make_membership(user, club, kind)
        elif kind in ("removed", "banned"):
            boss = make_user(is_staff=True)
            membership = make_membership(user, club, Role.MEMBER)
            if kind == "removed":
                actions.remove_member(actor=boss, membership=membership)
            else:
                actions.ban_member(actor=boss, club=club, user=user, reason="Propos injurieux")
        return user

    return build


def outcome(check, *args):
    try:
        check(*args)
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return 200


# --- access_club --------------------------------------------------------------------------------

LISTED_FACE = {
    "anonymous": 404,
    "non_member": 200,
    "member_of_another_club": 200,
    "removed": 200,
    "banned": 200,
    "member": 200,
    "moderator": 200,
    "owner": 200,
    "staff": 200,
}
MEMBERS_ONLY = {
    "anonymous": 404,
    "non_member": 404,
    "member_of_another_club": 404,
    "removed": 404,
    "banned": 404,
    "member": 200,
    "moderator": 200,
    "owner": 200,
    "staff": 200,
}


@pytest.mark.parametrize("kind", PERSONAS)
def test_the_face_of_a_listed_club_is_shown_to_every_logged_in_user(kind, persona, club):
    user = persona(kind, club)
    assert outcome(access.access_club, user, club.slug) == LISTED_FACE[kind]


@pytest.mark.parametrize("kind", PERSONAS)
def test_a_secret_club_exists_only_for_its_members_and_staff(kind, persona, make_club):
    secret = make_club(visibility=Visibility.SECRET)
    user = persona(kind, secret)
    assert outcome(access.access_club, user, secret.slug) == MEMBERS_ONLY[kind]


@pytest.mark.parametrize("kind", PERSONAS)
def test_an_archived_club_exists_only_for_its_members_and_staff(kind, persona, make_club):
    archived = make_club(archived=True)
    user = persona(kind, archived)
    assert outcome(access.access_club, user, archived.slug) == MEMBERS_ONLY[kind]


def test_an_unknown_club_gives_404_even_to_staff(staff):
    with pytest.raises(Http404):
        access.access_club(staff, "nexiste-pas")


def test_access_club_returns_the_membership_of_a_member(member, club):
    found_club, membership = access.access_club(member, club.slug)
    assert found_club == club
    assert membership.user == member


def test_access_club_returns_no_membership_for_a_non_member(outsider, club):
    assert access.access_club(outsider, club.slug) == (club, None)


def test_a_deactivated_member_gets_404(member, club):
    member.is_active = False
    member.save()
    with pytest.raises(Http404):
        access.access_club(member, club.slug)


# --- access_club_content ------------------------------------------------------------------------

CONTENT = {**MEMBERS_ONLY, "staff": 404}


@pytest.mark.parametrize("kind", PERSONAS)
def test_club_content_is_for_members_only_not_even_staff(kind, persona, club):
    user = persona(kind, club)
    assert outcome(access.access_club_content, user, club.slug) == CONTENT[kind]


@pytest.mark.parametrize("kind", PERSONAS)
def test_secret_club_content_is_for_members_only(kind, persona, make_club):
    secret = make_club(visibility=Visibility.SECRET)
    user = persona(kind, secret)
    assert outcome(access.access_club_content, user, secret.slug) == CONTENT[kind]


def test_members_still_read_an_archived_club(make_club, make_user, make_membership):
    archived = make_club(archived=True)
    user = make_user()
    make_membership(user, archived)
    found, membership = access.access_club_content(user, archived.slug)
    assert found == archived
    assert membership is not None


def test_members_cannot_post_in_an_archived_club(make_club, make_user, make_membership):
    archived = make_club(archived=True)
    membership = make_membership(make_user(), archived)
    assert not access.can_post(membership, archived)


def test_members_can_post_in_an_active_club(member, club):
    assert access.can_post(access.membership_of(member, club), club)


def test_non_members_cannot_post(club):
    assert not access.can_post(None, club)


# --- access_club_moderation ---------------------------------------------------------------------

MODERATION = {
    "anonymous": 404,
    "non_member": 404,
    "member_of_another_club": 404,
    "removed": 404,
    "banned": 404,
    "member": 403,
    "moderator": 200,
    "owner": 200,
    "staff": 200,
}


@pytest.mark.parametrize("kind", PERSONAS)
def test_moderation_is_for_moderators_owners_and_staff(kind, persona, club):
    user = persona(kind, club)
    assert outcome(access.access_club_moderation, user, club.slug) == MODERATION[kind]


def test_a_moderator_of_another_club_gets_404_for_moderation(make_user, make_club, club):
    other = make_club()
    user = make_user()
    Membership.objects.create(user=user, club=other, role=Role.MODERATOR)
    with pytest.raises(Http404):
        access.access_club_moderation(user, club.slug)
    assert access.access_club_moderation(user, other.slug)[0] == other


def test_staff_moderate_without_a_membership(staff, club):
    assert access.access_club_moderation(staff, club.slug) == (club, None)


def test_a_demoted_moderator_loses_moderation_at_the_next_check(moderator, owner, club):
    assert access.access_club_moderation(moderator, club.slug)
    membership = Membership.objects.get(user=moderator, club=club)
    actions.change_role(actor=owner, membership=membership, role=Role.MEMBER)
    with pytest.raises(PermissionDenied):
        access.access_club_moderation(moderator, club.slug)


# --- Querysets ----------------------------------------------------------------------------------

SEES_SECRET = {k: v == 200 for k, v in MEMBERS_ONLY.items()}


@pytest.mark.parametrize("kind", PERSONAS)
def test_clubs_visible_to_shows_secret_clubs_only_to_members_and_staff(
    kind, persona, make_club, club
):
    secret = make_club(visibility=Visibility.SECRET)
    user = persona(kind, secret)
    visible = set(access.clubs_visible_to(user))
    assert (secret in visible) is SEES_SECRET[kind]
    assert (club in visible) is (kind != "anonymous")


def test_clubs_visible_to_hides_archived_clubs_from_non_members(outsider, make_club):
    archived = make_club(archived=True)
    assert archived not in access.clubs_visible_to(outsider)


def test_clubs_visible_to_shows_archived_clubs_to_their_members(make_user, make_club):
    archived = make_club(archived=True)
    user = make_user()
    Membership.objects.create(user=user, club=archived)
    assert archived in access.clubs_visible_to(user)


def test_clubs_visible_to_lists_each_club_once(member, moderator, club):
    assert list(access.clubs_visible_to(member)).count(club) == 1


@pytest.mark.parametrize("kind", PERSONAS)
def test_member_clubs_lists_only_the_clubs_of_a_member(kind, persona, club):
    user = persona(kind, club)
    assert (club in access.member_clubs(user)) is (kind in ("member", "moderator", "owner"))


def test_member_clubs_leaves_out_archived_clubs(make_user, make_club):
    archived = make_club(archived=True)
    user = make_user()
    Membership.objects.create(user=user, club=archived)
    assert archived not in access.member_clubs(user)


# --- Membership lookups and predicates ----------------------------------------------------------


@pytest.mark.parametrize("kind", PERSONAS)
def test_membership_of_is_found_only_for_members(kind, persona, club):
    user = persona(kind, club)
    found = access.membership_of(user, club)
    assert (found is not None) is (kind in ("member", "moderator", "owner"))


def test_a_ban_wins_over_a_leftover_membership(member, club, make_ban):
    make_ban(member, club)
    assert Membership.objects.filter(user=member, club=club).exists()
    assert access.membership_of(member, club) is None
    with pytest.raises(Http404):
        access.access_club_content(member, club.slug)


def test_is_banned_is_true_for_a_banned_user(outsider, club, make_ban):
    make_ban(outsider, club)
    assert access.is_banned(outsider, club)


def test_is_banned_is_false_otherwise(outsider, club, make_club, make_ban):
    make_ban(outsider, make_club())
    assert not access.is_banned(outsider, club)
    assert not access.is_banned(AnonymousUser(), club)


@pytest.mark.parametrize(
    ("role", "moderator", "owner"),
    [(Role.MEMBER, False, False), (Role.MODERATOR, True, False), (Role.OWNER, True, True)],
)
def test_role_predicates(role, moderator, owner):
    membership = Membership(role=role)
    assert access.is_moderator(membership) is moderator
    assert access.is_owner(membership) is owner


def test_role_predicates_are_false_without_membership():
    assert not access.is_moderator(None)
    assert not access.is_owner(None)


def test_moderators_owners_and_staff_can_manage_members(moderator, owner, staff, club):
    assert access.can_manage_members(moderator, access.membership_of(moderator, club))
    assert access.can_manage_members(owner, access.membership_of(owner, club))
    assert access.can_manage_members(staff, None)


def test_members_and_outsiders_cannot_manage_members(member, outsider, club):
    assert not access.can_manage_members(member, access.membership_of(member, club))
    assert not access.can_manage_members(outsider, None)
    assert not access.can_manage_members(AnonymousUser(), None)


def rights_over(actor, role: str, club):
    """The actor's rights over a (new) member of the club who has this role."""
    target = Membership(user=User(pk=987654), club=club, role=role)
    return access.member_rights(actor, access.membership_of(actor, club), target)


def test_owners_and_staff_may_give_any_role_and_remove_anyone(owner, staff, club):
    for actor in (owner, staff):
        for role in Role.values:
            rights = rights_over(actor, role, club)
            assert set(rights.roles) == set(Role.values)
            assert rights.remove


def test_a_moderator_may_switch_members_and_moderators(moderator, club):
    for role in (Role.MEMBER, Role.MODERATOR):
        rights = rights_over(moderator, role, club)
        assert set(rights.roles) == {Role.MEMBER, Role.MODERATOR}
        assert rights.remove and rights.ban


def test_a_moderator_cannot_touch_an_owner_nor_make_one(moderator, club):
    rights = rights_over(moderator, Role.OWNER, club)
    assert not (rights.change_role or rights.remove or rights.ban)
    assert Role.OWNER not in rights_over(moderator, Role.MEMBER, club).roles


def test_only_staff_ban_an_owner(owner, staff, club):
    assert not rights_over(owner, Role.OWNER, club).ban
    assert rights_over(staff, Role.OWNER, club).ban


def test_nobody_removes_or_bans_themselves_but_an_owner_may_step_down(owner, club):
    own = access.membership_of(owner, club)
    rights = access.member_rights(owner, own, own)
    assert not (rights.remove or rights.ban)
    assert Role.MEMBER in rights.roles


def test_a_member_has_no_rights_over_members(member, outsider, club):
    assert rights_over(member, Role.MEMBER, club) == access.MemberRights(user=member)
    assert rights_over(outsider, Role.MEMBER, club) == access.MemberRights(user=outsider)


def test_thread_rights_of_a_member_an_author_and_a_moderator(member, moderator, club, make_thread):
    thread = make_thread(club, member)
    as_author = access.thread_rights(member, access.membership_of(member, club), thread)
    as_moderator = access.thread_rights(moderator, access.membership_of(moderator, club), thread)
    assert as_author.post and as_author.accept and not as_author.moderate
    assert "accept" not in as_author.powers  # the thread's author accepts without a power
    assert as_moderator.post and as_moderator.accept and as_moderator.moderate
    assert {"accept", "moderate"} <= as_moderator.powers


def test_in_a_locked_thread_only_moderators_post_and_that_is_a_power(
    member, moderator, club, make_thread
):
    thread = make_thread(club, moderator)
    thread.locked = True
    assert not access.thread_rights(member, access.membership_of(member, club), thread).post
    rights = access.thread_rights(moderator, access.membership_of(moderator, club), thread)
    assert rights.post and "post" in rights.powers


def test_an_archived_club_takes_no_writing_from_anyone(member, moderator, club, make_thread):
    thread = make_thread(club, member)
    thread.club.archived = True
    for person in (member, moderator):
        rights = access.thread_rights(person, access.membership_of(person, club), thread)
        assert rights.read and not (rights.post or rights.react or rights.accept)
        assert not rights.may_edit(member.pk)


def test_a_non_member_has_no_rights_in_a_thread(outsider, club, make_thread, member):
    thread = make_thread(club, member)
    rights = access.thread_rights(outsider, None, thread)
    assert not (rights.read or rights.post or rights.owns(outsider.pk))
    with pytest.raises(PermissionDenied):
        rights.require("post")


def test_a_logged_in_outsider_can_request_to_join_a_listed_club(outsider, club):
    assert access.can_request_to_join(outsider, club)


def test_nobody_can_request_to_join_a_secret_or_archived_club(outsider, make_club):
    assert not access.can_request_to_join(outsider, make_club(visibility=Visibility.SECRET))
    assert not access.can_request_to_join(outsider, make_club(archived=True))


def test_members_banned_people_and_pending_requesters_cannot_request_to_join(
    member, outsider, make_user, club, make_ban, make_join_request
):
    assert not access.can_request_to_join(member, club)
    make_ban(outsider, club)
    assert not access.can_request_to_join(outsider, club)
    waiting = make_user()
    make_join_request(waiting, club)
    assert not access.can_request_to_join(waiting, club)
    assert not access.can_request_to_join(AnonymousUser(), club)


def test_staff_required_lets_staff_through(staff):
    access.staff_required(staff)


@pytest.mark.parametrize("kind", ["anonymous", "member", "owner"])
def test_staff_required_refuses_everyone_else(kind, persona, club):
    with pytest.raises(PermissionDenied):
        access.staff_required(persona(kind, club))


def test_access_imports_nothing_from_messaging_or_cms():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(access))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not any(name.startswith(("messaging", "cms")) for name in imported)


def test_clubs_moderated_by_lists_managed_active_clubs_and_never_a_banned_one(
    moderator, owner, member, club, make_club, make_membership, make_ban
):
    assert list(access.clubs_moderated_by(moderator)) == [club]
    assert list(access.clubs_moderated_by(owner)) == [club]
    assert list(access.clubs_moderated_by(member)) == []
    archived = make_club("Ancien club", archived=True)
    make_membership(moderator, archived, Role.MODERATOR)
    # A ban wins even over a membership row left behind.
    make_ban(moderator, club)
    assert list(access.clubs_moderated_by(moderator)) == []
