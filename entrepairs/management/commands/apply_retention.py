from django.conf import settings
from django.core.management.base import BaseCommand

from entrepairs.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation : prévient les membres inactifs depuis "
        "INACTIVE_WARNING_DAYS jours, désactive ceux qui ne sont pas revenus INACTIVE_GRACE_DAYS "
        "jours après, supprime les anciens événements du direct et les notifications lues."
    )

    def handle(self, *args, **options):
        report = apply_retention()
        self.stdout.write(
            f"{report.warned} membre(s) prévenu(s) après {settings.INACTIVE_WARNING_DAYS} jours "
            f"d'inactivité, {report.deactivated} compte(s) désactivé(s), "
            f"{report.events_purged} événement(s) et {report.notifications_purged} "
            "notification(s) supprimé(s)."
        )
