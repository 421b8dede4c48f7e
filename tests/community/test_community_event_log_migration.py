"""The event log's models moved from `messaging` to `community` without moving a row: a database
made by the earlier migrations, with events and counters in it, migrates forward and keeps them,
numbering going on where it was."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from community import after_commit, event_log
from community.models import EventLog, StreamCounter

BEFORE = [("community", "0003_names_on_one_line"), ("messaging", "0002_search_documents")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_events_and_counters_of_the_earlier_tables_survive_the_move(sent):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    try:
        with pytest.raises(LookupError):
            old.get_model("community", "EventLog")
        OldCounter = old.get_model("messaging", "StreamCounter")
        OldEvent = old.get_model("messaging", "EventLog")
        OldCounter.objects.create(stream="club.5", last_seq=2)
        for seq in (1, 2):
            OldEvent.objects.create(stream="club.5", seq=seq, type="thread.pinned", data={"n": seq})
        old_type = ContentType.objects.get(app_label="messaging", model="eventlog")
    finally:
        new = migrate(latest)

    assert new.get_model("community", "EventLog")._meta.db_table == "messaging_eventlog"
    assert [(e.seq, e.data) for e in event_log.events_after("club.5", 0)] == [
        (1, {"n": 1}),
        (2, {"n": 2}),
    ]
    assert StreamCounter.objects.get(stream="club.5").last_seq == 2
    with transaction.atomic():
        assert after_commit.publish("club.5", "thread.pinned", n=3).seq == 3
    assert EventLog.objects.filter(stream="club.5").count() == 3
    # The content type (and the permissions that name it) followed the model.
    moved = ContentType.objects.get(pk=old_type.pk)
    assert (moved.app_label, moved.model) == ("community", "eventlog")
    assert Permission.objects.filter(content_type=moved, codename="view_eventlog").exists()
    assert not ContentType.objects.filter(app_label="messaging", model="eventlog").exists()
