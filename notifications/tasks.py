"""Background work of notifications: the grouped emails. Tasks take ids and read the state at the
time they run (access is checked again then)."""

from django_tasks import task


@task()
def send_email_batch(recipient_id: int) -> int:
    from . import delivery  # delivery enqueues this task: import it when the task runs

    return delivery.send_email_batch(recipient_id)
