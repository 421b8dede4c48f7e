"""Background work of notifications: the grouped emails. Tasks take ids and read the state at the
time they run (access is checked again then)."""

from django_tasks import task

from . import batches


@task()
def send_email_batch(recipient_id: int) -> int:
    return batches.send_email_batch(recipient_id)
