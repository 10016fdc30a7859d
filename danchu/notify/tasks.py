from __future__ import annotations

from django_tasks import task


@task()
def deliver_message(message_id: int) -> str:
    from danchu.notify.services import deliver

    return deliver(message_id)
