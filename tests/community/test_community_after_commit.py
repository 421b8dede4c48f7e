"""The one door of side effects (community/after_commit.py): a word to a person's pages, a task,
files, the handlers of a domain event and an app's own step all leave after commit, never on a
rollback; and nothing else in the project registers work on commit. (Publishing to a stream is
tested with the event log, tests/messaging/test_messaging_events.py.)"""

import ast
import logging
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from community import after_commit
from community.models import User

ROOT = Path(__file__).resolve().parents[2]
DOOR = ROOT / "community" / "after_commit.py"


def rolled_back(step):
    """Run `step` in a transaction that fails afterwards."""
    with pytest.raises(LookupError), transaction.atomic():
        step()
        raise LookupError("annulé")


# --- Nothing leaves by another door -------------------------------------------------------------


def project_sources():
    """Every Python file of the project, but the door itself and the tests."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [
            name
            for name in subfolders
            if not name.startswith(".") and name not in {"tests", "node_modules", "__pycache__"}
        ]
        for name in files:
            path = Path(folder) / name
            if name.endswith(".py") and path != DOOR:
                yield path


def on_commit_uses(tree: ast.AST) -> list[int]:
    """Lines that call `on_commit` (`transaction.on_commit(...)`, or a bare `on_commit(...)`) or
    import it by name."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else None
            name = function.id if isinstance(function, ast.Name) else name
            if name == "on_commit":
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and any(a.name == "on_commit" for a in node.names):
            lines.append(node.lineno)
    return lines


def test_the_walk_finds_every_way_of_calling_on_commit():
    source = (
        "from django.db import transaction\n"
        "from django.db.transaction import on_commit\n"
        "transaction.on_commit(lambda: None)\n"
        "on_commit(print)\n"
        "transaction.on_commit_later = None\n"
    )
    assert on_commit_uses(ast.parse(source)) == [2, 3, 4]


def test_no_module_but_the_door_registers_work_on_commit():
    sources = list(project_sources())
    assert ROOT / "messaging" / "actions.py" in sources and DOOR not in sources
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in sources
        for line in on_commit_uses(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    }
    assert not found, f"side effects leave by community.after_commit only: {sorted(found)}"


# --- Group names --------------------------------------------------------------------------------


def test_group_names_are_built_from_a_known_kind_and_an_id_only():
    assert after_commit.group_name("club", 12) == "club.12"
    assert after_commit.group_name("user", "7") == "user.7"
    with pytest.raises(ValueError):
        after_commit.group_name("user", "7; DROP")
    with pytest.raises(ValueError):
        after_commit.group_name("thread", 3)


# --- A person's open pages ----------------------------------------------------------------------


@pytest.mark.django_db
def test_each_person_s_pages_are_told_once_after_commit(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        after_commit.tell_pages([7, 3, 7], after_commit.NOTIFICATIONS_CHANGED)
        assert sent == []
    assert len(callbacks) == 1
    message = {"type": "notifications.changed"}
    assert sent == [("user.3", message), ("user.7", message)]


@pytest.mark.django_db
def test_a_message_to_the_pages_carries_its_fields(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        after_commit.tell_pages([5], after_commit.SESSION_ENDED, session_key="abc")
    assert sent == [("user.5", {"type": "session.ended", "session_key": "abc"})]


@pytest.mark.django_db
def test_nobody_to_tell_registers_nothing(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        after_commit.tell_pages([], after_commit.ACCESS_CHANGED)
    assert callbacks == [] and sent == []


@pytest.mark.django_db(transaction=True)
def test_the_pages_are_not_told_of_what_was_rolled_back(sent):
    rolled_back(lambda: after_commit.tell_pages([4], after_commit.ACCESS_CHANGED))
    assert sent == []
    with transaction.atomic():
        after_commit.tell_pages([4], after_commit.ACCESS_CHANGED)
    assert sent == [("user.4", {"type": "access.changed"})]


@pytest.mark.django_db
def test_a_layer_out_of_reach_is_logged_and_the_commit_stands(
    broken_layer, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="community.after_commit")
    with django_capture_on_commit_callbacks(execute=True):
        after_commit.tell_pages([4], after_commit.ACCESS_CHANGED)
    assert "access.changed non transmis" in caplog.text


# --- Tasks, files, handlers, steps --------------------------------------------------------------


class Task:
    """Stands for a django_tasks task: records what it was enqueued with."""

    def __init__(self):
        self.enqueued = []

    def enqueue(self, *args, **kwargs):
        self.enqueued.append((args, kwargs))


@pytest.mark.django_db(transaction=True)
def test_a_task_is_enqueued_after_commit_and_never_on_rollback():
    task = Task()
    rolled_back(lambda: after_commit.enqueue(task, 1, "jeton"))
    assert task.enqueued == []
    with transaction.atomic():
        after_commit.enqueue(task, 2, "jeton", priority=3)
        assert task.enqueued == []
    assert task.enqueued == [((2, "jeton"), {"priority": 3})]


@pytest.mark.django_db(transaction=True)
def test_files_leave_the_storage_after_commit_and_stay_on_rollback(media_root):
    name = default_storage.save("essai/door.txt", ContentFile(b"contenu"))
    rolled_back(lambda: after_commit.delete_files([name, ""]))
    assert default_storage.exists(name)
    with transaction.atomic():
        after_commit.delete_files([name])
        assert default_storage.exists(name)
    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_a_file_the_storage_cannot_delete_is_logged(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refuse(name):
        raise PermissionError(name)

    monkeypatch.setattr(default_storage, "delete", refuse)
    caplog.set_level(logging.WARNING, logger="community.after_commit")
    with django_capture_on_commit_callbacks(execute=True):
        after_commit.delete_files(["essai/a.txt", "essai/b.txt"])
    assert caplog.text.count("non supprimé") == 2


@pytest.mark.django_db(transaction=True)
def test_handlers_run_after_commit_each_in_its_own_transaction(make_user, caplog):
    person = make_user()
    seen = []

    def renames(*, user_id):
        User.objects.filter(pk=user_id).update(first_name="Renommée")
        seen.append(transaction.get_connection().in_atomic_block)

    def fails(*, user_id):
        User.objects.filter(pk=user_id).update(last_name="Perdu")
        raise RuntimeError("en panne")

    def counts(*, user_id):
        seen.append(user_id)

    handlers = [renames, fails]
    with transaction.atomic():
        after_commit.run_handlers("access_ended", handlers, {"user_id": person.pk})
        handlers.append(counts)  # read when the commit comes
        assert seen == []
    assert seen == [True, person.pk]
    before = person.last_name
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Renommée", before)
    assert "de l'événement access_ended a échoué" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_an_app_s_step_runs_after_commit_and_never_on_rollback():
    calls = []
    rolled_back(lambda: after_commit.run(calls.append, "annulé"))
    with transaction.atomic():
        after_commit.run(calls.append, "validé")
        assert calls == []
    assert calls == ["validé"]
