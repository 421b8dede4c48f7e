from django.core.management.base import BaseCommand

from notifications import batches, digest


class Command(BaseCommand):
    help = (
        "Envoie les récapitulatifs dus (quotidiens, hebdomadaires) et les courriels de "
        "notification restés en attente. À lancer chaque heure (cron ou minuterie systemd)."
    )

    def handle(self, *args, **options):
        late = batches.send_stale_batches()
        sent = digest.send_digests()
        self.stdout.write(f"{sent} récapitulatif(s) envoyé(s), {late} courriel(s) en retard.")
