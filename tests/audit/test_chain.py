import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from danchu.audit.models import Event
from danchu.audit.services import GENESIS, record, verify_chain


def _write(n, unit=None):
    for i in range(n):
        with transaction.atomic():
            record(
                actor=None,
                action="test.changed",
                object_type="test",
                object_id=i,
                unit=unit,
                payload={"i": i, "tên": "Ứng Hòa"},
            )


def test_events_chain_from_genesis(db):
    _write(3)
    events = list(Event.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert verify_chain().ok and verify_chain().count == 3


def test_record_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError):
        record(actor=None, action="x", object_type="t", object_id=1)


def test_tampered_payload_is_reported_at_its_event(db):
    _write(5)
    Event.objects.filter(seq=3).update(payload={"i": 99})
    result = verify_chain()
    assert not result.ok
    assert result.broken_seq == 3
    assert result.count == 2


def test_deleted_event_breaks_the_chain(db):
    _write(4)
    Event.objects.filter(seq=2).delete()
    result = verify_chain()
    assert (result.ok, result.broken_seq) == (False, 3)


def test_cli_verify_reports_ok_and_broken(db, capsys):
    _write(2)
    call_command("audit", "verify")
    assert "OK: 2" in capsys.readouterr().out
    Event.objects.filter(seq=1).update(action="forged")
    with pytest.raises(CommandError, match="#1"):
        call_command("audit", "verify")


def test_a_deleted_newest_event_is_caught_against_a_head_kept_elsewhere(db, capsys):
    _write(4)
    call_command("audit", "verify")
    head = capsys.readouterr().out.splitlines()[-1].removeprefix("Đầu chuỗi: ")
    seq, digest = head.split(":")
    assert seq == "4" and digest == Event.objects.get(seq=4).hash
    call_command("audit", "verify", "--expect", head)  # still there: OK
    Event.objects.filter(seq=4).delete()
    assert verify_chain().ok  # the chain alone cannot tell
    with pytest.raises(CommandError, match="#4–#4"):
        call_command("audit", "verify", "--expect", head)
    with pytest.raises(CommandError, match="SEQ:HASH"):
        call_command("audit", "verify", "--expect", "4:abc")


def test_a_head_that_was_rewritten_is_caught(db):
    _write(3)
    head = (2, Event.objects.get(seq=2).hash)
    Event.objects.filter(seq__gte=2).delete()
    _write(2)  # the tail written again: a valid chain, but not the one recorded
    result = verify_chain(expect=head)
    assert (result.ok, result.broken_seq) == (False, 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    """Real threads, real connections: appends serialise, the chain never forks."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("threads with separate connections need a database server")
    errors = []

    def writer(worker):
        try:
            for i in range(10):
                with transaction.atomic():
                    record(
                        actor=None,
                        action="test.concurrent",
                        object_type="t",
                        object_id=f"{worker}-{i}",
                    )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Event.objects.count() == 80
    assert verify_chain().ok
