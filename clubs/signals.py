"""However a membership row goes — an action (leave, removal, ban), an account deleted and its
rows with it, a club deleted by a superuser, a shell — the loss of access is announced once,
from here: the person's pages re-check, their follows and notifications in that club go
(community.domain_events, `access_ended`)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from community import domain_events

from .models import Membership


@receiver(post_delete, sender=Membership)
def announce_lost_access(sender, instance, **kwargs):
    domain_events.announce(
        domain_events.ACCESS_ENDED, user_id=instance.user_id, club_ids=[instance.club_id]
    )
