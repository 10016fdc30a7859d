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
