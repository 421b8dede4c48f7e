from django.conf import settings
from django.core.management.base import BaseCommand

from community.event_log import purge_old_events


class Command(BaseCommand):
    help = "Supprime les événements du direct plus anciens que EVENT_RETENTION_DAYS (7 jours)."

    def handle(self, *args, **options):
        deleted = purge_old_events()
        self.stdout.write(
            f"{deleted} événement(s) de plus de {settings.EVENT_RETENTION_DAYS} jours supprimé(s)."
        )
