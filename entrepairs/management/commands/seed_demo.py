"""Fill the site with demonstration data, once per app: a later run (each `make run`) changes
nothing, not even to undo what people did in the demo (a ban, a new role, a deleted post).

Each app that has demo data provides a `demo` module with a `seed(log)` function; they run in the
order of INSTALLED_APPS, so that an app finds the data of the apps it builds on. Each app's seed
commits on its own, with the `DemoSeed` row that marks it done: what it announces (a post, an
invitation) reaches the apps after it through the domain events, which run after commit, as on
the live site. An app that gains demo data later gets them at the next run.

A database seeded before these marks existed has its demo accounts but no mark: the first run
marks every app laid and lays nothing, rather than bring back what people removed.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from community.demo import DEMO_ACCOUNTS
from community.models import User
from entrepairs.models import DemoSeed


def _laid_before_the_marks() -> bool:
    """Whether the demo was laid by an earlier version, which left no `DemoSeed` mark."""
    emails = [account.email for account in DEMO_ACCOUNTS]
    return not DemoSeed.objects.exists() and User.objects.filter(email__in=emails).exists()


class Command(BaseCommand):
    help = "Crée les données de démonstration (comptes, clubs, pages). Sans effet si déjà faites."

    # The demo is laid by whoever runs the site, through the members' own actions: the demo
    # moderators pin and hide as the demo requires, without the second factor that the site asks
    # of a person using a power (REQUIRE_MFA_FOR_POWERS stays as set for the site itself).
    @override_settings(REQUIRE_MFA_FOR_POWERS=False)
    def handle(self, *args, **options):
        seeded_unmarked = _laid_before_the_marks()
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            if DemoSeed.objects.filter(app=app_config.label).exists():
                continue
            if seeded_unmarked:
                DemoSeed.objects.create(app=app_config.label)
                continue
            with transaction.atomic():
                import_module(module_name).seed(log=self.log)
                DemoSeed.objects.create(app=app_config.label)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))

    def log(self, message: str) -> None:
        self.stdout.write(f"  {message}")
