"""The event log of the live layer (community/event_log.py, written by
community/after_commit.publish): numbering per stream, sending only after commit, catch-up,
purge, and a channel layer that is out of reach."""

import io
import json
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from community import after_commit, event_log
from community.models import EventLog
from messaging import actions
from messaging.models import Post

STREAM = "club.9001"
OTHER_STREAM = "club.9002"


def publish_now(stream, event_type="thread.pinned", **data):
    with transaction.atomic():
        return after_commit.publish(stream, event_type, **data)


# --- Numbering ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sequence_numbers_of_a_stream_start_at_1_and_have_no_gaps(sent):
    assert event_log.current_seq(STREAM) == 0
    published = [publish_now(STREAM, value=n) for n in range(5)]
    assert [event.seq for event in published] == [1, 2, 3, 4, 5]
    assert list(
        EventLog.objects.filter(stream=STREAM).order_by("seq").values_list("seq", flat=True)
    ) == [1, 2, 3, 4, 5]
    assert event_log.current_seq(STREAM) == 5


@pytest.mark.django_db
def test_each_stream_has_its_own_numbering(sent):
    publish_now(STREAM)
    publish_now(STREAM)
    assert publish_now(OTHER_STREAM).seq == 1
    assert publish_now(STREAM).seq == 3
    assert publish_now(OTHER_STREAM).seq == 2
    assert (event_log.current_seq(STREAM), event_log.current_seq(OTHER_STREAM)) == (3, 2)


@pytest.mark.django_db
def test_a_rolled_back_event_does_not_leave_a_gap(sent):
    publish_now(STREAM)
    with pytest.raises(LookupError), transaction.atomic():
        after_commit.publish(STREAM, "thread.pinned", value=True)
        raise LookupError("annulé")
    assert publish_now(STREAM).seq == 2


@pytest.mark.django_db
def test_the_stream_names_are_built_from_ids_only():
    assert after_commit.group_name("club", 12) == "club.12"
    assert after_commit.group_name("user", "7") == "user.7"
    with pytest.raises(ValueError):
        after_commit.group_name("club", "12; DROP")


@pytest.mark.django_db(transaction=True)
def test_publishing_outside_a_transaction_is_refused(sent):
    with pytest.raises(RuntimeError):
        after_commit.publish(STREAM, "thread.pinned", value=True)
    assert not EventLog.objects.exists()
    assert sent == []


# --- Sending after commit -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_event_is_sent_only_once_the_transaction_commits(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            event = after_commit.publish(STREAM, "thread.locked", thread=3, value=True)
            assert sent == []
        assert sent == []
    assert len(callbacks) == 1
    [(group, message)] = sent
    assert (group, message["type"], message["stream"]) == (STREAM, "stream.event", STREAM)
    assert (
        json.loads(message["text"])
        == event.as_frame()
        == {
            "type": "event",
            "stream": STREAM,
            "seq": 1,
            "event": "thread.locked",
            "thread": 3,
            "value": True,
        }
    )


@pytest.mark.django_db
def test_an_action_that_fails_after_publishing_sends_nothing_and_logs_nothing(
    sent, django_capture_on_commit_callbacks
):
    @transaction.atomic
    def failing_action():
        after_commit.publish(STREAM, "thread.pinned", value=True)
        raise ValueError("plus loin, ça casse")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValueError):
        failing_action()
    assert callbacks == []
    assert sent == []
    assert not EventLog.objects.filter(stream=STREAM).exists()
    assert event_log.current_seq(STREAM) == 0


@pytest.mark.django_db(transaction=True)
def test_with_real_transactions_the_event_leaves_at_commit_and_never_on_rollback(sent):
    with transaction.atomic():
        after_commit.publish(STREAM, "thread.pinned", value=True)
        assert sent == []
    assert [json.loads(message["text"])["seq"] for _group, message in sent] == [1]

    with pytest.raises(RuntimeError), transaction.atomic():
        after_commit.publish(STREAM, "thread.pinned", value=False)
        raise RuntimeError("annulé")
    assert len(sent) == 1
    assert EventLog.objects.filter(stream=STREAM).count() == 1


@pytest.mark.django_db
def test_a_real_action_publishes_its_event_after_commit(
    sent, django_capture_on_commit_callbacks, member, club, make_thread
):
    thread = make_thread(club, member)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post = actions.post_reply(author=member, thread=thread, source="Bonjour à toutes")
        assert sent == []
    [(group, message)] = sent
    assert group == after_commit.group_name("club", club.pk)
    frame = json.loads(message["text"])
    assert frame["event"] == "post.created"
    assert frame["post"] == post.pk


# --- Catch-up -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_that_is_up_to_date_misses_nothing(sent):
    assert event_log.events_after(STREAM, 0) == []
    publish_now(STREAM)
    publish_now(STREAM)
    assert event_log.events_after(STREAM, 2) == []
    assert event_log.events_after(STREAM, 40) == []


@pytest.mark.django_db
def test_a_page_gets_the_events_it_missed_in_order(sent):
    for n in range(6):
        publish_now(STREAM, value=n)
    publish_now(OTHER_STREAM, value="ailleurs")
    missed = event_log.events_after(STREAM, 3)
    assert [event.seq for event in missed] == [4, 5, 6]
    assert [event.data["value"] for event in missed] == [3, 4, 5]
    assert [event.seq for event in event_log.events_after(STREAM, 0)] == [1, 2, 3, 4, 5, 6]


@pytest.mark.django_db
def test_a_page_whose_first_missed_event_was_purged_must_resync(sent):
    for _ in range(4):
        publish_now(STREAM)
    EventLog.objects.filter(stream=STREAM, seq__lte=2).delete()
    assert event_log.events_after(STREAM, 1) is None
    assert event_log.events_after(STREAM, 0) is None
    assert [event.seq for event in event_log.events_after(STREAM, 2)] == [3, 4]


@pytest.mark.django_db
def test_a_page_must_resync_when_every_missed_event_was_purged(sent):
    for _ in range(3):
        publish_now(STREAM)
    EventLog.objects.filter(stream=STREAM).delete()
    assert event_log.events_after(STREAM, 1) is None
    assert event_log.events_after(STREAM, 3) == []


# --- Purge --------------------------------------------------------------------------------------


def event_aged(stream, seq, days):
    return EventLog.objects.create(
        stream=stream,
        seq=seq,
        type="thread.pinned",
        data={},
        created_at=timezone.now() - timedelta(days=days),
    )


@pytest.mark.django_db
def test_the_purge_deletes_only_events_older_than_the_retention_period(settings):
    settings.EVENT_RETENTION_DAYS = 7
    old = [event_aged(STREAM, 1, 30), event_aged(OTHER_STREAM, 1, 7.01)]
    kept = [event_aged(STREAM, 2, 6.99), event_aged(OTHER_STREAM, 2, 0)]
    assert event_log.purge_old_events() == len(old)
    assert set(EventLog.objects.values_list("pk", flat=True)) == {event.pk for event in kept}


@pytest.mark.django_db
def test_the_retention_period_comes_from_the_settings(settings):
    for seq, days in enumerate([1, 2, 4, 10], start=1):
        event_aged(STREAM, seq, days)
    settings.EVENT_RETENTION_DAYS = 3
    assert event_log.purge_old_events() == 2
    assert sorted(EventLog.objects.values_list("seq", flat=True)) == [1, 2]
    settings.EVENT_RETENTION_DAYS = 30
    assert event_log.purge_old_events() == 0


@pytest.mark.django_db
def test_the_purge_keeps_the_numbering_going(settings, sent):
    settings.EVENT_RETENTION_DAYS = 1
    publish_now(STREAM)
    EventLog.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert event_log.purge_old_events() == 1
    assert publish_now(STREAM).seq == 2
    assert event_log.events_after(STREAM, 0) is None


@pytest.mark.django_db
def test_the_purge_command_says_in_french_how_many_events_it_deleted(settings):
    settings.EVENT_RETENTION_DAYS = 7
    event_aged(STREAM, 1, 8)
    event_aged(STREAM, 2, 9)
    event_aged(STREAM, 3, 1)
    output = io.StringIO()
    call_command("purge_events", stdout=output)
    assert output.getvalue().strip() == "2 événement(s) de plus de 7 jours supprimé(s)."
    assert EventLog.objects.count() == 1


@pytest.mark.django_db
def test_the_purge_command_says_so_when_there_is_nothing_to_delete(settings):
    settings.EVENT_RETENTION_DAYS = 5
    output = io.StringIO()
    call_command("purge_events", stdout=output)
    assert output.getvalue().strip() == "0 événement(s) de plus de 5 jours supprimé(s)."


# --- A channel layer out of reach ---------------------------------------------------------------


@pytest.mark.django_db
def test_sending_to_a_reachable_layer_says_true(sent):
    assert after_commit.send_to_group(STREAM, {"type": "stream.event", "frame": {}}) is True
    assert sent == [(STREAM, {"type": "stream.event", "frame": {}})]


@pytest.mark.django_db
def test_sending_to_a_layer_out_of_reach_says_false_and_logs_without_raising(broken_layer, caplog):
    with caplog.at_level(logging.WARNING, logger="community.after_commit"):
        assert after_commit.send_to_group(STREAM, {"type": "stream.event", "frame": {}}) is False
    [record] = [r for r in caplog.records if r.name == "community.after_commit"]
    assert record.levelno == logging.WARNING
    assert STREAM in record.getMessage()
    assert record.exc_info is not None


@pytest.mark.django_db
def test_a_post_is_saved_and_logged_when_the_layer_is_out_of_reach(
    broken_layer, django_capture_on_commit_callbacks, member, club, make_thread
):
    thread = make_thread(club, member)
    with django_capture_on_commit_callbacks(execute=True):
        post = actions.post_reply(author=member, thread=thread, source="Malgré la panne")
    assert Post.objects.filter(pk=post.pk).exists()
    stream = after_commit.group_name("club", club.pk)
    logged = EventLog.objects.get(stream=stream, data__post=post.pk)
    assert logged.type == "post.created"
    assert event_log.events_after(logged.stream, logged.seq - 1) == [logged]


def test_an_event_is_serialised_once_as_readable_utf8_and_a_lone_surrogate_is_escaped():
    assert event_log.frame_text({"html": "Été"}) == '{"html": "Été"}'
    assert event_log.frame_text({"source": "\ud800"}) == '{"source": "\\ud800"}'
