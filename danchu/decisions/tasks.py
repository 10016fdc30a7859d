from __future__ import annotations

from django_tasks import task


@task()
def build_ballots(print_id: int, generation: int) -> str:
    """Print a matter's household ballots into a stored file (slow: ~20 s for 500 households)."""
    from danchu.decisions.services import render_ballots

    return render_ballots(print_id, generation)
