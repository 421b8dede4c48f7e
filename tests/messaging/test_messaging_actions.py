"""Every action of messaging.actions: what it does, and each rule that refuses it."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from clubs.models import Ban, Membership, Role
from community.action_errors import ActionError
from messaging import actions
from messaging.models import (
    Post,
    PostRevision,
    Reaction,
    ReadState,
    Report,
    Thread,
    ThreadSubscription,
)

pytestmark = pytest.mark.django_db

# --- Fixtures (file-local) ----------------------------------------------------------------------


@pytest.fixture
def join(make_membership):
    return make_membership


@pytest.fixture
def club(make_club):
    return make_club("Secrétaires de mairie")


@pytest.fixture
def other_club(make_club):
    return make_club("Archivistes")


@pytest.fixture
def member(make_user, join, club):
    """Claire Martin, whose mention handle is « claire-martin »."""
    user = make_user("claire@mairie.fr", first_name="Claire", last_name="Martin")
    join(user, club)
    return user


@pytest.fixture
def colleague(make_user, join, club):
    user = make_user("thomas@mairie.fr", first_name="Thomas", last_name="Girard")
    join(user, club)
    return user


@pytest.fixture
def moderator(make_user, join, club):
    user = make_user("nadia@mairie.fr", first_name="Nadia", last_name="Lefèvre")
    join(user, club, Role.MODERATOR)
    return user


@pytest.fixture
def outsider(make_user):
    user = make_user("paul@ailleurs.fr", first_name="Paul", last_name="Dehors")
    return user


@pytest.fixture
def thread(member, club):
    return actions.start_thread(
        author=member,
        club=club,
        title="Délibération pour le tarif de la cantine",
        source="Faut-il une délibération pour changer le tarif ?",
    )


@pytest.fixture
def reply(colleague, thread):
    return actions.post_reply(author=colleague, thread=thread, source="Oui, du conseil municipal.")


def first_post(thread: Thread) -> Post:
    return thread.posts.order_by("id")[0]


def read_up_to(user, thread) -> int:
    state = ReadState.objects.filter(user=user, thread=thread).first()
    return state.last_read_post_id if state else 0


def subscription_of(user, thread) -> str | None:
    sub = ThreadSubscription.objects.filter(user=user, thread=thread).first()
    return sub.level if sub else None


def error_code(excinfo) -> str:
    return excinfo.value.code


# --- start_thread -------------------------------------------------------------------------------


def test_member_starts_a_thread_with_its_first_post(member, club):
    thread = actions.start_thread(
        author=member, club=club, title="  Tarif de la cantine  ", source="**Bonjour** à tous"
    )
    post = first_post(thread)
    assert thread.title == "Tarif de la cantine"
    assert thread.author == member
    assert thread.club == club
    assert thread.post_count == 1
    assert thread.last_post == post
    assert thread.last_activity_at == post.created_at
    assert post.author == member
    assert post.source == "**Bonjour** à tous"
    assert "<strong>Bonjour</strong>" in post.html
    assert subscription_of(member, thread) == ThreadSubscription.Level.FOLLOW
    assert read_up_to(member, thread) == post.pk


@pytest.mark.parametrize("title", ["", "   ", None])
def test_a_thread_needs_a_title(member, club, title):
    with pytest.raises(ActionError) as excinfo:
        actions.start_thread(author=member, club=club, title=title, source="Bonjour")
    assert error_code(excinfo) == "title_required"
    assert not Thread.objects.exists()


def test_a_title_longer_than_200_characters_is_refused(member, club):
    actions.start_thread(author=member, club=club, title="t" * 200, source="Bonjour")
    with pytest.raises(ActionError) as excinfo:
        actions.start_thread(author=member, club=club, title="t" * 201, source="Bonjour")
    assert error_code(excinfo) == "title_too_long"
    assert Thread.objects.count() == 1


@pytest.mark.parametrize("source", ["", "  \n\t ", None])
def test_a_thread_needs_a_first_message(member, club, source):
    with pytest.raises(ActionError) as excinfo:
        actions.start_thread(author=member, club=club, title="Titre", source=source)
    assert error_code(excinfo) == "empty"
    assert not Thread.objects.exists()


def test_a_first_message_longer_than_the_limit_is_refused(member, club):
    with pytest.raises(ActionError) as excinfo:
        actions.start_thread(
            author=member, club=club, title="Titre", source="a" * (actions.MAX_POST_LENGTH + 1)
        )
    assert error_code(excinfo) == "too_long"
    assert not Thread.objects.exists()
    thread = actions.start_thread(
        author=member, club=club, title="Titre", source="a" * actions.MAX_POST_LENGTH
    )
    assert thread.post_count == 1


def test_a_non_member_cannot_start_a_thread(outsider, club):
    with pytest.raises(PermissionDenied):
        actions.start_thread(author=outsider, club=club, title="Titre", source="Bonjour")
    assert not Thread.objects.exists()


def test_a_banned_member_cannot_start_a_thread(member, club):
    Ban.objects.create(user=member, club=club)  # even with a membership row left behind
    with pytest.raises(PermissionDenied):
        actions.start_thread(author=member, club=club, title="Titre", source="Bonjour")


def test_no_thread_is_started_in_an_archived_club(member, club):
    club.archived = True
    club.save()
    with pytest.raises(ActionError) as excinfo:
        actions.start_thread(author=member, club=club, title="Titre", source="Bonjour")
    assert error_code(excinfo) == "archived"
    assert not Thread.objects.exists()


def test_the_same_client_id_twice_starts_one_thread(member, club):
    first = actions.start_thread(
        author=member, club=club, title="Titre", source="Bonjour", client_id="abc-1"
    )
    second = actions.start_thread(
        author=member, club=club, title="Titre", source="Bonjour", client_id="abc-1"
    )
    assert first.pk == second.pk
    assert Thread.objects.count() == 1
    assert Post.objects.count() == 1


def test_the_same_client_id_arriving_concurrently_starts_one_thread(member, club, monkeypatch):
    first = actions.start_thread(
        author=member, club=club, title="Titre", source="Bonjour", client_id="abc-1"
    )
    # The second request checked before the first one had written its post.
    monkeypatch.setattr(actions, "_existing_post", lambda author, client_id: None)
    second = actions.start_thread(
        author=member, club=club, title="Titre", source="Bonjour", client_id="abc-1"
    )
    assert second.pk == first.pk
    assert Thread.objects.count() == 1
    assert Post.objects.count() == 1


def test_different_authors_may_use_the_same_client_id(member, colleague, club):
    actions.start_thread(author=member, club=club, title="A", source="a", client_id="same")
    actions.start_thread(author=colleague, club=club, title="B", source="b", client_id="same")
    assert Thread.objects.count() == 2


# --- post_reply ---------------------------------------------------------------------------------


def test_a_reply_updates_the_thread_summary(thread, colleague):
    post = actions.post_reply(author=colleague, thread=thread, source="Oui, il en faut une.")
    thread.refresh_from_db()
    assert post.thread == thread
    assert thread.post_count == 2
    assert thread.last_post == post
    assert thread.last_activity_at == post.created_at
    assert "<p>Oui, il en faut une.</p>" in post.html


def test_replying_follows_the_thread(thread, colleague):
    assert subscription_of(colleague, thread) is None
    actions.post_reply(author=colleague, thread=thread, source="Bonjour")
    assert subscription_of(colleague, thread) == ThreadSubscription.Level.FOLLOW


def test_replying_keeps_a_mute_chosen_before(thread, colleague):
    actions.set_subscription(user=colleague, thread=thread, level="mute")
    actions.post_reply(author=colleague, thread=thread, source="Bonjour")
    assert subscription_of(colleague, thread) == ThreadSubscription.Level.MUTE


def test_replying_marks_the_thread_read_up_to_the_reply(thread, colleague, member):
    actions.post_reply(author=member, thread=thread, source="Une précision")
    post = actions.post_reply(author=colleague, thread=thread, source="Bonjour")
    assert read_up_to(colleague, thread) == post.pk
    assert read_up_to(member, thread) < post.pk


def test_a_member_cannot_reply_in_a_locked_thread(thread, colleague, moderator):
    actions.set_locked(moderator=moderator, thread=thread, locked=True)
    with pytest.raises(ActionError) as excinfo:
        actions.post_reply(author=colleague, thread=thread, source="Bonjour")
    assert error_code(excinfo) == "locked"
    thread.refresh_from_db()
    assert thread.post_count == 1


def test_a_reply_to_a_thread_locked_since_it_was_read_is_refused_and_leaves_nothing(
    thread, colleague, moderator
):
    """The page (or the socket) read the thread unlocked; a moderator locked it meanwhile."""
    read_before = Thread.objects.get(pk=thread.pk)
    actions.set_locked(moderator=moderator, thread=thread, locked=True)
    posts_before = Post.objects.count()
    with pytest.raises(ActionError) as excinfo:
        actions.post_reply(author=colleague, thread=read_before, source="Trop tard")
    assert error_code(excinfo) == "locked"
    assert Post.objects.count() == posts_before
    thread.refresh_from_db()
    assert thread.post_count == 1


def test_replies_counted_out_of_order_keep_the_newest_as_the_last_post(thread, colleague, member):
    """Two replies at once: the newer may be counted first. The older one's count must not
    make it the thread's last post again."""
    older = actions.post_reply(author=member, thread=thread, source="Première")
    newer = actions.post_reply(author=colleague, thread=thread, source="Seconde")
    actions._count_in_thread(older, even_if_locked=False)  # the older one's commit, late
    thread.refresh_from_db()
    assert thread.last_post == newer
    assert thread.last_activity_at == newer.created_at


def test_a_moderator_may_reply_in_a_locked_thread(thread, moderator):
    actions.set_locked(moderator=moderator, thread=thread, locked=True)
    post = actions.post_reply(author=moderator, thread=thread, source="Je verrouille ce fil.")
    thread.refresh_from_db()
    assert thread.post_count == 2
    assert thread.last_post == post


def test_no_reply_in_an_archived_club(thread, colleague, club):
    club.archived = True
    club.save()
    thread.refresh_from_db()
    with pytest.raises(ActionError) as excinfo:
        actions.post_reply(author=colleague, thread=thread, source="Bonjour")
    assert error_code(excinfo) == "archived"


def test_a_removed_member_cannot_reply(thread, colleague, club):
    Membership.objects.filter(user=colleague, club=club).delete()
    with pytest.raises(PermissionDenied):
        actions.post_reply(author=colleague, thread=thread, source="Bonjour")


def test_a_banned_member_cannot_reply(thread, colleague, club):
    Ban.objects.create(user=colleague, club=club)
    with pytest.raises(PermissionDenied):
        actions.post_reply(author=colleague, thread=thread, source="Bonjour")


def test_a_non_member_cannot_reply(thread, outsider):
    with pytest.raises(PermissionDenied):
        actions.post_reply(author=outsider, thread=thread, source="Bonjour")


def test_a_deactivated_member_cannot_reply(thread, colleague):
    colleague.is_active = False
    colleague.save()
    with pytest.raises(PermissionDenied):
        actions.post_reply(author=colleague, thread=thread, source="Bonjour")


@pytest.mark.parametrize("source", ["", "   ", "a" * (actions.MAX_POST_LENGTH + 1)])
def test_an_empty_or_too_long_reply_is_refused(thread, colleague, source):
    with pytest.raises(ActionError):
        actions.post_reply(author=colleague, thread=thread, source=source)
    thread.refresh_from_db()
    assert thread.post_count == 1


def test_the_same_client_id_twice_makes_one_post(thread, colleague):
    first = actions.post_reply(author=colleague, thread=thread, source="Bonjour", client_id="x1")
    second = actions.post_reply(author=colleague, thread=thread, source="Bonjour", client_id="x1")
    assert first.pk == second.pk
    thread.refresh_from_db()
    assert thread.post_count == 2
    assert Post.objects.filter(author=colleague).count() == 1


def test_the_same_client_id_arriving_concurrently_makes_one_post(thread, colleague, monkeypatch):
    first = actions.post_reply(author=colleague, thread=thread, source="Bonjour", client_id="x1")
    # The second request checked (with its membership) before the first one had written its post.
    checked = actions._member_for_reply

    def checked_too_early(*args):
        membership, existing_id, standing = checked(*args)
        assert existing_id == first.pk
        return membership, None, standing

    monkeypatch.setattr(actions, "_member_for_reply", checked_too_early)
    second = actions.post_reply(author=colleague, thread=thread, source="Bonjour", client_id="x1")
    assert second.pk == first.pk
    thread.refresh_from_db()
    assert thread.post_count == 2


# --- Mentions -----------------------------------------------------------------------------------


def test_mentioning_a_club_member_links_to_their_profile(thread, colleague, member):
    post = actions.post_reply(
        author=colleague, thread=thread, source="Merci @claire-martin, c'est clair."
    )
    assert 'href="/membres/claire-martin/"' in post.html
    assert ">@claire-martin</a>" in post.html
    assert list(post.mentions.all()) == [member]


def test_a_mention_is_case_insensitive(thread, colleague, member):
    post = actions.post_reply(author=colleague, thread=thread, source="Merci @Claire-Martin !")
    assert list(post.mentions.all()) == [member]


def test_mentioning_a_non_member_stays_plain_text(thread, colleague, outsider):
    post = actions.post_reply(author=colleague, thread=thread, source="Demandez à @paul-dehors.")
    assert "<a" not in post.html
    assert "@paul-dehors" in post.html
    assert not post.mentions.exists()


def test_an_unknown_handle_stays_plain_text(thread, colleague):
    post = actions.post_reply(author=colleague, thread=thread, source="Bonjour @personne")
    assert "<a" not in post.html
    assert not post.mentions.exists()


def test_an_email_address_is_not_a_mention(thread, colleague, member):
    member.profile.handle = "mairie"
    member.profile.save()
    post = actions.post_reply(author=colleague, thread=thread, source="Écrivez à claire@mairie.fr")
    assert not post.mentions.exists()
    assert 'href="/membres/' not in post.html


def test_a_mention_in_code_is_not_a_mention(thread, colleague, member):
    post = actions.post_reply(author=colleague, thread=thread, source="`@claire-martin`")
    assert not post.mentions.exists()
    assert "<code>@claire-martin</code>" in post.html


def test_several_mentions_are_stored(thread, member, colleague, moderator):
    post = actions.post_reply(
        author=moderator, thread=thread, source="@claire-martin et @thomas-girard : merci."
    )
    assert set(post.mentions.all()) == {member, colleague}


# --- edit_post ----------------------------------------------------------------------------------


def test_the_author_edits_their_post_and_the_previous_version_is_kept(reply, colleague):
    before_source, before_html = reply.source, reply.html
    post = actions.edit_post(editor=colleague, post=reply, source="Oui, **du conseil**.")
    post.refresh_from_db()
    assert post.source == "Oui, **du conseil**."
    assert "<strong>du conseil</strong>" in post.html
    assert post.edited_at is not None
    revision = PostRevision.objects.get(post=post)
    assert revision.source == before_source
    assert revision.html == before_html
    assert revision.written_at == reply.created_at
    assert revision.replaced_by == colleague


def test_a_second_edit_keeps_both_earlier_versions(reply, colleague):
    actions.edit_post(editor=colleague, post=reply, source="Deuxième version")
    first_edit = Post.objects.get(pk=reply.pk).edited_at
    actions.edit_post(editor=colleague, post=reply, source="Troisième version")
    revisions = list(PostRevision.objects.filter(post=reply))
    assert [r.source for r in revisions] == ["Deuxième version", "Oui, du conseil municipal."]
    assert revisions[0].written_at == first_edit


def test_an_edit_without_change_keeps_no_revision(reply, colleague):
    actions.edit_post(editor=colleague, post=reply, source="  Oui, du conseil municipal.  ")
    assert not PostRevision.objects.exists()
    reply.refresh_from_db()
    assert reply.edited_at is None


@pytest.mark.parametrize("who", ["member", "moderator", "outsider"])
def test_only_the_author_edits_a_post(reply, who, request):
    editor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        actions.edit_post(editor=editor, post=reply, source="Réécrit")
    reply.refresh_from_db()
    assert reply.source == "Oui, du conseil municipal."


def test_a_hidden_post_cannot_be_edited(reply, colleague, moderator):
    actions.hide_post(moderator=moderator, post=reply, reason="Hors sujet")
    with pytest.raises(ActionError) as excinfo:
        actions.edit_post(editor=colleague, post=reply, source="Réécrit")
    assert error_code(excinfo) == "not_visible"


def test_a_deleted_post_cannot_be_edited(reply, colleague):
    actions.delete_post(user=colleague, post=reply)
    with pytest.raises(ActionError) as excinfo:
        actions.edit_post(editor=colleague, post=reply, source="Réécrit")
    assert error_code(excinfo) == "not_visible"


def test_an_edit_cannot_empty_the_post(reply, colleague):
    with pytest.raises(ActionError) as excinfo:
        actions.edit_post(editor=colleague, post=reply, source="  ")
    assert error_code(excinfo) == "empty"


def test_no_edit_in_an_archived_club(reply, colleague, club):
    club.archived = True
    club.save()
    reply = Post.objects.select_related("thread__club").get(pk=reply.pk)
    with pytest.raises(ActionError) as excinfo:
        actions.edit_post(editor=colleague, post=reply, source="Réécrit")
    assert error_code(excinfo) == "archived"


def test_an_edit_renders_mentions_again(reply, colleague, member, moderator):
    post = actions.edit_post(editor=colleague, post=reply, source="Oui, @claire-martin.")
    assert list(post.mentions.all()) == [member]
    assert 'href="/membres/claire-martin/"' in post.html
    post = actions.edit_post(editor=colleague, post=post, source="Oui, @nadia-lefevre.")
    assert list(post.mentions.all()) == [moderator]
    assert "/membres/claire-martin/" not in post.html
    post = actions.edit_post(editor=colleague, post=post, source="Oui.")
    assert not post.mentions.exists()


# --- delete_post --------------------------------------------------------------------------------


def test_deleting_a_post_keeps_it_and_recounts_the_thread(thread, reply, colleague):
    later = actions.post_reply(author=colleague, thread=thread, source="Et encore…")
    actions.delete_post(user=colleague, post=later)
    later.refresh_from_db()
    thread.refresh_from_db()
    assert Post.objects.filter(pk=later.pk).exists()
    assert later.is_deleted and not later.is_visible
    assert later.source == "Et encore…"
    assert thread.post_count == 2
    assert thread.last_post == reply


def test_deleting_the_accepted_answer_clears_it(thread, reply, member, colleague):
    actions.accept_answer(user=member, post=reply)
    actions.delete_post(user=colleague, post=reply)
    thread.refresh_from_db()
    assert thread.accepted_answer is None
    assert not thread.is_solved


def test_deleting_another_post_keeps_the_accepted_answer(thread, reply, member, colleague):
    other = actions.post_reply(author=member, thread=thread, source="Merci !")
    actions.accept_answer(user=member, post=reply)
    actions.delete_post(user=member, post=other)
    thread.refresh_from_db()
    assert thread.accepted_answer == reply


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_nobody_deletes_someone_elses_post(reply, who, request):
    with pytest.raises(PermissionDenied):
        actions.delete_post(user=request.getfixturevalue(who), post=reply)
    reply.refresh_from_db()
    assert not reply.is_deleted


def test_deleting_twice_is_refused(reply, colleague):
    actions.delete_post(user=colleague, post=reply)
    with pytest.raises(ActionError) as excinfo:
        actions.delete_post(user=colleague, post=reply)
    assert error_code(excinfo) == "already_deleted"


# --- hide_post / restore_post -------------------------------------------------------------------


def test_a_moderator_hides_a_post_with_a_reason(thread, reply, moderator):
    actions.hide_post(moderator=moderator, post=reply, reason="  Propos déplacés  ")
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.is_hidden
    assert reply.hidden_by == moderator
    assert reply.hidden_reason == "Propos déplacés"
    assert thread.post_count == 1
    assert thread.last_post == first_post(thread)


def test_an_owner_may_hide_a_post(reply, make_user, join, club):
    owner = make_user("odile@mairie.fr")
    join(owner, club, Role.OWNER)
    actions.hide_post(moderator=owner, post=reply, reason="Hors sujet")
    reply.refresh_from_db()
    assert reply.is_hidden


@pytest.mark.parametrize("who", ["member", "colleague", "outsider"])
def test_only_a_moderator_hides_a_post(reply, who, request):
    with pytest.raises(PermissionDenied):
        actions.hide_post(moderator=request.getfixturevalue(who), post=reply, reason="Motif")
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_a_moderator_of_another_club_cannot_hide(reply, make_user, join, other_club):
    elsewhere = make_user("modo@ailleurs.fr")
    join(elsewhere, other_club, Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        actions.hide_post(moderator=elsewhere, post=reply, reason="Motif")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_hiding_needs_a_reason(reply, moderator, reason):
    with pytest.raises(ActionError) as excinfo:
        actions.hide_post(moderator=moderator, post=reply, reason=reason)
    assert error_code(excinfo) == "reason_required"


def test_a_reason_longer_than_the_limit_is_refused(reply, moderator):
    with pytest.raises(ActionError) as excinfo:
        actions.hide_post(
            moderator=moderator, post=reply, reason="x" * (actions.MAX_REASON_LENGTH + 1)
        )
    assert error_code(excinfo) == "reason_too_long"


def test_hiding_twice_is_refused(reply, moderator):
    actions.hide_post(moderator=moderator, post=reply, reason="Motif")
    with pytest.raises(ActionError) as excinfo:
        actions.hide_post(moderator=moderator, post=reply, reason="Motif")
    assert error_code(excinfo) == "already_hidden"


def test_hiding_the_accepted_answer_clears_it(thread, reply, member, moderator):
    actions.accept_answer(user=member, post=reply)
    actions.hide_post(moderator=moderator, post=reply, reason="Erroné")
    thread.refresh_from_db()
    assert thread.accepted_answer is None


def test_a_moderator_restores_a_hidden_post(thread, reply, moderator):
    actions.hide_post(moderator=moderator, post=reply, reason="Motif")
    actions.restore_post(moderator=moderator, post=reply)
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert not reply.is_hidden
    assert reply.hidden_by is None and reply.hidden_reason == ""
    assert thread.post_count == 2
    assert thread.last_post == reply


def test_restoring_a_post_that_is_not_hidden_is_refused(reply, moderator):
    with pytest.raises(ActionError) as excinfo:
        actions.restore_post(moderator=moderator, post=reply)
    assert error_code(excinfo) == "not_hidden"


def test_only_a_moderator_restores_a_post(reply, moderator, colleague):
    actions.hide_post(moderator=moderator, post=reply, reason="Motif")
    with pytest.raises(PermissionDenied):
        actions.restore_post(moderator=colleague, post=reply)
    reply.refresh_from_db()
    assert reply.is_hidden


# --- set_pinned / set_locked --------------------------------------------------------------------


def test_a_moderator_pins_and_unpins_a_thread(thread, moderator):
    actions.set_pinned(moderator=moderator, thread=thread, pinned=True)
    thread.refresh_from_db()
    assert thread.pinned
    actions.set_pinned(moderator=moderator, thread=thread, pinned=False)
    thread.refresh_from_db()
    assert not thread.pinned


def test_a_moderator_locks_and_unlocks_a_thread(thread, moderator, colleague):
    actions.set_locked(moderator=moderator, thread=thread, locked=True)
    thread.refresh_from_db()
    assert thread.locked
    actions.set_locked(moderator=moderator, thread=thread, locked=False)
    thread.refresh_from_db()
    assert not thread.locked
    actions.post_reply(author=colleague, thread=thread, source="De nouveau ouvert")


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_a_moderator_pins_or_locks(thread, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        actions.set_pinned(moderator=user, thread=thread, pinned=True)
    with pytest.raises(PermissionDenied):
        actions.set_locked(moderator=user, thread=thread, locked=True)
    thread.refresh_from_db()
    assert not thread.pinned and not thread.locked


# --- move_thread --------------------------------------------------------------------------------


def test_a_moderator_of_both_clubs_moves_a_thread(
    thread, reply, member, colleague, moderator, join, other_club
):
    join(moderator, other_club, Role.MODERATOR)
    join(member, other_club)
    actions.move_thread(moderator=moderator, thread=thread, to_club=other_club)
    thread.refresh_from_db()
    assert thread.club == other_club
    # Claire follows and is a member of the new club; Thomas is not: he stops following.
    assert subscription_of(member, thread) == ThreadSubscription.Level.FOLLOW
    assert subscription_of(colleague, thread) is None


def test_moving_needs_to_moderate_the_target_club(thread, moderator, join, other_club):
    join(moderator, other_club)  # a plain member there
    with pytest.raises(PermissionDenied):
        actions.move_thread(moderator=moderator, thread=thread, to_club=other_club)
    thread.refresh_from_db()
    assert thread.club_id != other_club.pk


def test_moving_needs_to_moderate_the_source_club(thread, colleague, join, other_club):
    join(colleague, other_club, Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        actions.move_thread(moderator=colleague, thread=thread, to_club=other_club)


def test_moving_to_the_same_club_is_refused(thread, moderator, club):
    with pytest.raises(ActionError) as excinfo:
        actions.move_thread(moderator=moderator, thread=thread, to_club=club)
    assert error_code(excinfo) == "same_club"


def test_moving_to_an_archived_club_is_refused(thread, moderator, join, make_club):
    archived = make_club("Ancien club", archived=True)
    join(moderator, archived, Role.MODERATOR)
    with pytest.raises(ActionError) as excinfo:
        actions.move_thread(moderator=moderator, thread=thread, to_club=archived)
    assert error_code(excinfo) == "archived"
    thread.refresh_from_db()
    assert thread.club_id != archived.pk


# --- accept_answer / clear_accepted_answer ------------------------------------------------------


def test_the_thread_author_accepts_an_answer(thread, reply, member):
    actions.accept_answer(user=member, post=reply)
    thread.refresh_from_db()
    assert thread.accepted_answer == reply
    assert thread.is_solved


def test_a_moderator_accepts_an_answer(thread, reply, moderator):
    actions.accept_answer(user=moderator, post=reply)
    thread.refresh_from_db()
    assert thread.accepted_answer == reply


def test_another_member_cannot_accept_an_answer(thread, reply, colleague):
    with pytest.raises(PermissionDenied):
        actions.accept_answer(user=colleague, post=reply)
    thread.refresh_from_db()
    assert not thread.is_solved


def test_a_non_member_cannot_accept_an_answer(reply, outsider):
    with pytest.raises(PermissionDenied):
        actions.accept_answer(user=outsider, post=reply)


def test_the_question_cannot_be_its_own_answer(thread, member):
    with pytest.raises(ActionError) as excinfo:
        actions.accept_answer(user=member, post=first_post(thread))
    assert error_code(excinfo) == "first_post"


def test_a_hidden_post_cannot_be_the_answer(thread, reply, member, moderator):
    actions.hide_post(moderator=moderator, post=reply, reason="Motif")
    with pytest.raises(ActionError) as excinfo:
        actions.accept_answer(user=member, post=reply)
    assert error_code(excinfo) == "not_visible"


def test_accepting_another_answer_replaces_the_first(thread, reply, member, moderator):
    better = actions.post_reply(author=moderator, thread=thread, source="Précision : …")
    actions.accept_answer(user=member, post=reply)
    actions.accept_answer(user=member, post=better)
    thread.refresh_from_db()
    assert thread.accepted_answer == better


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_the_author_or_a_moderator_clears_the_answer(thread, reply, member, who, request):
    actions.accept_answer(user=member, post=reply)
    actions.clear_accepted_answer(user=request.getfixturevalue(who), thread=thread)
    thread.refresh_from_db()
    assert thread.accepted_answer is None


def test_another_member_cannot_clear_the_answer(thread, reply, member, colleague):
    actions.accept_answer(user=member, post=reply)
    with pytest.raises(PermissionDenied):
        actions.clear_accepted_answer(user=colleague, thread=thread)
    thread.refresh_from_db()
    assert thread.accepted_answer == reply


def test_no_answer_is_accepted_in_an_archived_club(thread, reply, member, club):
    club.archived = True
    club.save()
    reply = Post.objects.select_related("thread__club").get(pk=reply.pk)
    with pytest.raises(ActionError) as excinfo:
        actions.accept_answer(user=member, post=reply)
    assert error_code(excinfo) == "archived"


# --- toggle_reaction ----------------------------------------------------------------------------


def test_a_reaction_is_added_then_taken_back(reply, member):
    assert actions.toggle_reaction(user=member, post=reply, kind="merci") is True
    assert Reaction.objects.filter(post=reply, user=member, kind="merci").count() == 1
    assert actions.toggle_reaction(user=member, post=reply, kind="merci") is False
    assert not Reaction.objects.filter(post=reply).exists()


def test_an_unknown_reaction_is_refused(reply, member):
    with pytest.raises(ActionError) as excinfo:
        actions.toggle_reaction(user=member, post=reply, kind="colere")
    assert error_code(excinfo) == "unknown_reaction"
    assert not Reaction.objects.exists()


def test_no_reaction_on_a_hidden_post(reply, member, moderator):
    actions.hide_post(moderator=moderator, post=reply, reason="Motif")
    with pytest.raises(ActionError) as excinfo:
        actions.toggle_reaction(user=member, post=reply, kind="pouce")
    assert error_code(excinfo) == "not_visible"


def test_no_reaction_on_a_deleted_post(reply, member, colleague):
    actions.delete_post(user=colleague, post=reply)
    with pytest.raises(ActionError):
        actions.toggle_reaction(user=member, post=reply, kind="pouce")


def test_one_reaction_per_member_per_kind(reply, member, moderator):
    actions.toggle_reaction(user=member, post=reply, kind="pouce")
    actions.toggle_reaction(user=member, post=reply, kind="merci")
    actions.toggle_reaction(user=moderator, post=reply, kind="pouce")
    assert Reaction.objects.filter(post=reply).count() == 3
    assert Reaction.objects.filter(post=reply, user=member, kind="pouce").count() == 1
    actions.toggle_reaction(user=member, post=reply, kind="pouce")
    assert Reaction.objects.filter(post=reply, kind="pouce").count() == 1


def test_a_non_member_cannot_react(reply, outsider):
    with pytest.raises(PermissionDenied):
        actions.toggle_reaction(user=outsider, post=reply, kind="pouce")


def test_no_reaction_in_an_archived_club(reply, member, club):
    club.archived = True
    club.save()
    reply = Post.objects.select_related("thread__club").get(pk=reply.pk)
    with pytest.raises(ActionError) as excinfo:
        actions.toggle_reaction(user=member, post=reply, kind="pouce")
    assert error_code(excinfo) == "archived"


# --- set_subscription ---------------------------------------------------------------------------


def test_a_member_follows_mutes_and_resets_a_thread(thread, colleague):
    actions.set_subscription(user=colleague, thread=thread, level="follow")
    assert subscription_of(colleague, thread) == "follow"
    actions.set_subscription(user=colleague, thread=thread, level="mute")
    assert subscription_of(colleague, thread) == "mute"
    assert ThreadSubscription.objects.filter(user=colleague).count() == 1
    actions.set_subscription(user=colleague, thread=thread, level=None)
    assert subscription_of(colleague, thread) is None
    actions.set_subscription(user=colleague, thread=thread, level=None)  # twice: no error


def test_an_unknown_subscription_level_is_refused(thread, colleague):
    with pytest.raises(ActionError) as excinfo:
        actions.set_subscription(user=colleague, thread=thread, level="tout")
    assert error_code(excinfo) == "unknown_level"
    assert subscription_of(colleague, thread) is None


def test_a_non_member_cannot_follow(thread, outsider):
    with pytest.raises(PermissionDenied):
        actions.set_subscription(user=outsider, thread=thread, level="follow")


# --- mark_read ----------------------------------------------------------------------------------


def test_reading_moves_forward_never_backwards(thread, reply, colleague, moderator):
    later = actions.post_reply(author=colleague, thread=thread, source="Suite")
    actions.mark_read(user=moderator, thread=thread, up_to_post_id=reply.pk)
    assert read_up_to(moderator, thread) == reply.pk
    actions.mark_read(user=moderator, thread=thread, up_to_post_id=later.pk)
    assert read_up_to(moderator, thread) == later.pk
    actions.mark_read(user=moderator, thread=thread, up_to_post_id=reply.pk)
    assert read_up_to(moderator, thread) == later.pk
    assert ReadState.objects.filter(user=moderator, thread=thread).count() == 1


def test_a_non_member_has_no_read_state(thread, outsider):
    with pytest.raises(PermissionDenied):
        actions.mark_read(user=outsider, thread=thread, up_to_post_id=1)
    assert not ReadState.objects.filter(user=outsider).exists()


# --- report_post --------------------------------------------------------------------------------


def test_a_member_reports_a_post(reply, member):
    report = actions.report_post(reporter=member, post=reply, reason="  Propos blessants  ")
    assert report.status == Report.Status.OPEN
    assert report.reporter == member
    assert report.reason == "Propos blessants"


def test_nobody_reports_their_own_post(reply, colleague):
    with pytest.raises(ActionError) as excinfo:
        actions.report_post(reporter=colleague, post=reply, reason="Je me trompe")
    assert error_code(excinfo) == "own_post"
    assert not Report.objects.exists()


def test_a_report_needs_a_reason(reply, member):
    with pytest.raises(ActionError) as excinfo:
        actions.report_post(reporter=member, post=reply, reason=" ")
    assert error_code(excinfo) == "reason_required"


def test_the_same_member_cannot_report_a_post_twice_while_open(reply, member):
    actions.report_post(reporter=member, post=reply, reason="Motif")
    with pytest.raises(ActionError) as excinfo:
        actions.report_post(reporter=member, post=reply, reason="Encore")
    assert error_code(excinfo) == "already"
    assert Report.objects.count() == 1


def test_a_dismissed_report_may_be_made_again(reply, member, moderator):
    report = actions.report_post(reporter=member, post=reply, reason="Motif")
    actions.resolve_report(moderator=moderator, report=report, hide=False)
    actions.report_post(reporter=member, post=reply, reason="Ça continue")
    assert Report.objects.filter(status=Report.Status.OPEN).count() == 1


def test_a_non_member_cannot_report(reply, outsider):
    with pytest.raises(PermissionDenied):
        actions.report_post(reporter=outsider, post=reply, reason="Motif")


# --- resolve_report -----------------------------------------------------------------------------


@pytest.fixture
def two_reports(reply, member, moderator, make_user, join, club):
    third = make_user("isabelle@mairie.fr", first_name="Isabelle", last_name="Garnier")
    join(third, club)
    return (
        actions.report_post(reporter=member, post=reply, reason="Propos blessants"),
        actions.report_post(reporter=third, post=reply, reason="Hors sujet"),
    )


def test_hiding_closes_every_open_report_on_the_post(
    thread, reply, two_reports, moderator, django_capture_on_commit_callbacks
):
    first, second = two_reports
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = actions.resolve_report(
            moderator=moderator,
            report=first,
            hide=True,
            public_reason="Hors charte",
            note="Message masqué, merci.",
        )
    assert result.status == Report.Status.HIDDEN
    second.refresh_from_db()
    assert second.status == Report.Status.HIDDEN
    for report in (result, second):
        assert report.handled_by == moderator
        assert report.handled_at is not None
        assert report.resolution_note == "Message masqué, merci."
    reply.refresh_from_db()
    assert reply.is_hidden
    assert reply.hidden_by == moderator
    assert reply.hidden_reason == "Hors charte"  # the note went to the reporters alone
    thread.refresh_from_db()
    assert thread.post_count == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        r.reporter.email for r in (result, second)
    )  # one outcome email per reporter


def test_hiding_without_a_public_reason_shows_neither_the_report_nor_the_note(
    reply, two_reports, moderator
):
    actions.resolve_report(moderator=moderator, report=two_reports[0], hide=True, note="Merci")
    reply.refresh_from_db()
    assert reply.hidden_reason == "après un signalement"


def test_dismissing_closes_only_that_report(reply, two_reports, moderator):
    first, second = two_reports
    result = actions.resolve_report(moderator=moderator, report=first, hide=False)
    assert result.status == Report.Status.DISMISSED
    assert result.handled_by == moderator
    second.refresh_from_db()
    assert second.status == Report.Status.OPEN
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_a_handled_report_cannot_be_handled_again(two_reports, moderator):
    first, _second = two_reports
    actions.resolve_report(moderator=moderator, report=first, hide=False)
    with pytest.raises(ActionError) as excinfo:
        actions.resolve_report(moderator=moderator, report=first, hide=True)
    assert error_code(excinfo) == "already_handled"


def test_a_report_on_an_already_hidden_post_is_closed(reply, two_reports, moderator):
    actions.hide_post(moderator=moderator, post=reply, reason="Déjà vu")
    result = actions.resolve_report(moderator=moderator, report=two_reports[0], hide=True)
    assert result.status == Report.Status.HIDDEN
    reply.refresh_from_db()
    assert reply.hidden_reason == "Déjà vu"


@pytest.mark.parametrize("who", ["member", "colleague", "outsider"])
def test_only_a_moderator_resolves_a_report(two_reports, who, request):
    first, _second = two_reports
    with pytest.raises(PermissionDenied):
        actions.resolve_report(moderator=request.getfixturevalue(who), report=first, hide=True)
    first.refresh_from_db()
    assert first.status == Report.Status.OPEN


def test_no_answer_is_cleared_in_an_archived_club(thread, reply, member, club):
    actions.accept_answer(user=member, post=reply)
    club.archived = True
    club.save()
    thread = Thread.objects.select_related("club").get(pk=thread.pk)
    with pytest.raises(ActionError) as excinfo:
        actions.clear_accepted_answer(user=member, thread=thread)
    assert error_code(excinfo) == "archived"
    thread.refresh_from_db()
    assert thread.accepted_answer == reply


def test_a_stale_thread_does_not_undo_an_accepted_answer_when_a_post_is_hidden(
    thread, reply, member, moderator
):
    other = actions.post_reply(author=member, thread=thread, source="Merci !")
    # `other.thread` was loaded before the answer was accepted.
    actions.accept_answer(user=member, post=reply)
    actions.hide_post(moderator=moderator, post=other, reason="Doublon")
    actions.restore_post(moderator=moderator, post=other)
    thread.refresh_from_db()
    assert thread.accepted_answer == reply
