"""French search on every database: the forms of a word find one another, accents and case
ignored, and what a member finds follows every write (edit, hide, delete) at once — on the
embedded SQLite (its French index) as on PostgreSQL."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from community.models import User
from messaging import actions as messaging_actions
from messaging.models import Post, Thread
from search.sources import Criteria, search
from search.sqlite_index import INDEXES, ensure_index

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the embedded default's own index"
)


def found(user, text, **criteria) -> dict[str, int]:
    return {g.key: g.count for g in search(user, Criteria(text=text, **criteria))}


def titles(user, text, key) -> list[str]:
    group = next(g for g in search(user, Criteria(text=text), only=key) if g.key == key)
    return [str(hit.title) for hit in group.hits]


FORMS = ["délibérations", "deliberation", "Délibération", "DELIBERATIONS"]


@pytest.mark.parametrize("query", FORMS)
def test_every_form_of_a_word_finds_the_same_thread_and_post(
    query, member, author, club, make_thread, make_post
):
    thread = make_thread(club, author, title="Les délibérations du conseil", source="Bonjour.")
    make_post(thread, author, source="Voici notre délibération sur la cantine.")
    make_post(thread, author, source="Rien à voir : le marché de la voirie.")
    assert found(member, query) == {"fils": 1, "messages": 1, "guides": 0, "membres": 0}


def test_the_forms_found_are_marked_in_titles_and_snippets(
    search_page, member, author, club, make_thread
):
    make_thread(club, author, title="Délibérations 2024", source="Une DÉLIBÉRATION votée.")
    response, text = search_page(member, q="deliberation")
    assert "<mark>Délibérations</mark> 2024" in text
    assert "<mark>DÉLIBÉRATION</mark>" in text


def test_a_guide_is_found_by_another_form_of_a_word_of_its_body(member, make_guide):
    make_guide("Conseil municipal", body=[("rich_text", "<p>Rédiger les délibérations.</p>")])
    make_guide("Autre guide", body=[("rich_text", "<p>Le budget primitif.</p>")])
    assert found(member, "Délibération")["guides"] == 1
    assert titles(member, "deliberer", "guides") == ["Conseil municipal"]


def test_stop_words_alone_find_nothing(search_page, member, author, club, make_thread):
    make_thread(club, author, title="Le budget de la commune", source="Le budget.")
    assert sum(found(member, "le la les").values()) == 0
    assert found(member, "le budget de la commune")["fils"] == 1


def test_an_edited_post_is_found_by_its_new_words_and_not_its_old(
    member, author, club, make_thread, make_post
):
    thread = make_thread(club, author, title="Question", source="Bonjour.")
    post = make_post(thread, author, source="Le recensement commence en janvier.")
    assert found(member, "recensement")["messages"] == 1
    messaging_actions.edit_post(editor=author, post=post, source="Les inscriptions scolaires.")
    assert found(member, "recensement")["messages"] == 0
    assert found(member, "inscription")["messages"] == 1


def test_a_renamed_thread_is_found_by_its_new_title(member, author, club, make_thread):
    thread = make_thread(club, author, title="Élections", source="Bonjour.")
    Thread.objects.filter(pk=thread.pk).update(title="Urbanisme")
    assert found(member, "elections")["fils"] == 0
    assert found(member, "urbanisme")["fils"] == 1


def test_hidden_and_deleted_posts_are_not_found_and_a_restored_one_is_again(
    member, moderator, author, club, make_thread, make_post
):
    thread = make_thread(club, author, title="Question", source="Bonjour.")
    hidden = make_post(thread, author, source="Un propos sur les cimetières.")
    deleted = make_post(thread, author, source="Un mot sur les cimetières aussi.")
    assert found(member, "cimetière")["messages"] == 2
    messaging_actions.hide_post(moderator=moderator, post=hidden, reason="Hors sujet.")
    messaging_actions.delete_post(user=author, post=deleted)
    assert found(member, "cimetière")["messages"] == 0
    messaging_actions.restore_post(moderator=moderator, post=Post.objects.get(pk=hidden.pk))
    assert found(member, "cimetière")["messages"] == 1


def test_a_post_removed_from_the_database_leaves_no_match(
    member, author, club, make_thread, make_post
):
    thread = make_thread(club, author, title="Question", source="Bonjour.")
    make_post(thread, author, source="Les archives communales.")
    Thread.objects.filter(pk=thread.pk).delete()
    assert found(member, "archive") == {"fils": 0, "messages": 0, "guides": 0, "membres": 0}


def test_posts_written_in_bulk_are_found(member, author, club, make_thread):
    thread = make_thread(club, author, title="Question", source="Bonjour.")
    Post.objects.bulk_create(
        Post(thread=thread, author=author, source=f"Régie de recettes n° {n}.", html="")
        for n in range(3)
    )
    assert found(member, "régies")["messages"] == 3


def test_a_member_without_access_never_finds_a_clubs_content(
    search_page, member, author, club, other_club, other_club_member, outsider, make_thread
):
    make_thread(other_club, other_club_member, title="Délibérations secrètes", source="Secrètes.")
    for user in (member, outsider):
        assert found(user, "deliberation") == {"fils": 0, "messages": 0, "guides": 0, "membres": 0}
    assert found(other_club_member, "deliberation")["fils"] == 1
    response, text = search_page(member, q="délibérations")
    assert "secrètes" not in text.lower()


def test_a_banned_member_no_longer_finds_the_clubs_content(
    member, author, club, make_thread, make_ban
):
    make_thread(club, author, title="Délibération budgétaire", source="Bonjour.")
    assert found(member, "deliberations")["fils"] == 1
    make_ban(member, club)
    assert found(member, "deliberations")["fils"] == 0


# --- The result count, in French -----------------------------------------------------------------


def test_the_result_count_reads_aucun_one_or_many(search_page, member, author, club, make_thread):
    response, text = search_page(member, q="cantine")
    assert "Aucun résultat pour « cantine »" in text
    assert "« cantine » : aucun résultat" in text  # the page's title
    assert "0 résultat" not in text
    make_thread(club, author, title="Cantine", source="Bonjour.")
    response, text = search_page(member, q="cantine")
    assert "1 résultat pour « cantine »" in text and "1 résultats" not in text
    make_thread(club, author, title="Tarifs", source="La cantine scolaire.")
    response, text = search_page(member, q="cantine")
    assert "2 résultats pour « cantine »" in text


# --- The SQLite index itself ---------------------------------------------------------------------


@sqlite_only
def test_the_index_is_rebuilt_by_its_command(member, author, club, make_thread):
    make_thread(club, author, title="Délibération budgétaire", source="Bonjour.")
    with connection.cursor() as cursor:
        for index in INDEXES.values():
            cursor.execute(f"DELETE FROM {index.name}")
    assert found(member, "deliberation")["fils"] == 0
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert found(member, "deliberation") == {"fils": 1, "messages": 0, "guides": 0, "membres": 0}


@sqlite_only
def test_after_a_migration_drops_the_triggers_they_come_back_and_the_index_is_filled(
    member, author, club, make_thread
):
    """A migration that rebuilds a table on SQLite drops its triggers: `migrate` then puts them
    back and fills the index again (post_migrate)."""
    thread = make_thread(club, author, title="Question", source="Les élections municipales.")
    posts = INDEXES["posts"]
    with connection.cursor() as cursor:
        for trigger in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER {posts.name}_{trigger}")
    Post.objects.create(thread=thread, author=author, source="Le bureau de vote.", html="")
    assert found(member, "élection")["messages"] == 1
    assert found(member, "vote")["messages"] == 0
    assert ensure_index() == [posts.name]
    assert found(member, "élection")["messages"] == 1
    assert found(member, "vote")["messages"] == 1
    assert ensure_index() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps its own index")
def test_on_postgresql_the_rebuild_command_has_nothing_to_do(capsys):
    call_command("rebuild_search_index")
    assert "rien à refaire" in capsys.readouterr().out


def test_the_demo_data_is_found_in_its_french_forms(demo_data):
    secretary = User.objects.get(email="secretaire@demo.test")
    assert found(secretary, "délibérations")["messages"] > 0
    assert found(secretary, "délibérations") == found(secretary, "deliberation")


# --- Names: the search page and the directory ---------------------------------------------------


@pytest.mark.parametrize("query", ["lefevre", "LEFÈVRE", "nadia lefevre"])
def test_a_name_is_found_without_its_accents(query, member, moderator):
    assert found(member, query)["membres"] == 1


def test_a_first_and_last_name_are_found_without_their_accents(
    member, make_user, make_membership, club
):
    make_membership(make_user(first_name="Étienne", last_name="Dupré"), club)
    assert found(member, "etienne dupre")["membres"] == 1
