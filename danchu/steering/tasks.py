from __future__ import annotations

from django_tasks import task


@task()
def build_report(job_id: int) -> str:
    from danchu.steering.reports import run_job

    return run_job(job_id)


@task()
def daily_sweep() -> dict:
    from danchu.steering.services import sweep

    return sweep()


@task()
def refresh_summary() -> dict:
    """Rebuild the monthly summary behind the steering figures (`danchu steering-summary`)."""
    from danchu.steering.summary import refresh

    return refresh()
