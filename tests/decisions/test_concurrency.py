import threading

import pytest
from django.db import connection, connections

from danchu.core.errors import ValidationError
from danchu.decisions import services
from danchu.decisions.models import Choice, Participation, SecretCount, VoteConflict
from tests.decisions.conftest import codes_of, open_matter


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_votes_for_one_household_store_exactly_one(village):
    """Real threads on real connections: the unique constraint, not Python, keeps one vote."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a database server (SQLite serialises writers)")
    matter = open_matter(village, form="ballot", households=3, agreed=True)
    yes, no = [o.pk for o in matter.options.all()]
    code = next(iter(codes_of(matter).values()))
    barrier = threading.Barrier(50)
    outcomes = []

    def voter(n):
        try:
            barrier.wait(timeout=30)
            services.cast_with_code(code=code, option_id=yes if n % 2 else no, channel="online")
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - any other failure fails the test below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    for batch in range(4):  # 4 × 50 threads = 200 attempts, at most 50 connections at once
        threads = [threading.Thread(target=voter, args=(batch * 50 + i,)) for i in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        barrier.reset()
    assert len(outcomes) == 200
    assert outcomes.count("ok") == 1
    assert outcomes.count("already_voted") == 199
    assert Participation.objects.filter(matter=matter).count() == 1
    assert Choice.objects.filter(matter=matter).count() == 1
    assert VoteConflict.objects.filter(matter=matter).count() == 199


@pytest.mark.django_db(transaction=True)
def test_concurrent_secret_ballots_are_all_counted(village):
    """Forty households voting at once in a secret ballot: every ballot reaches the box, even
    the ones racing to create an option's counter."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a database server (SQLite serialises writers)")
    matter = open_matter(village, form="ballot", households=40, agreed=True, secret=True)
    yes, no = [o.pk for o in matter.options.all()]
    codes = list(codes_of(matter).values())
    barrier = threading.Barrier(len(codes))
    outcomes = []

    def voter(n):
        try:
            barrier.wait(timeout=30)
            services.cast_with_code(code=codes[n], option_id=yes if n % 4 else no, channel="online")
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - any failure fails the test below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=voter, args=(n,)) for n in range(len(codes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["ok"] * 40
    counts = dict(SecretCount.objects.filter(matter=matter).values_list("option_id", "votes"))
    assert counts == {yes: 30, no: 10}
    assert Participation.objects.filter(matter=matter).count() == 40
    assert not Choice.objects.filter(matter=matter).exists()
