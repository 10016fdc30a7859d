import threading

import pytest
from django.db import connection, connections

from danchu.core.errors import ValidationError
from danchu.decisions import services
from danchu.decisions.models import Choice, Participation, VoteConflict
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
