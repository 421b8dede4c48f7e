from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DemoSeed(models.Model):
    """An app whose demonstration data `seed_demo` has laid once: it never lays them again, so
    that what people did in the demo (a ban, a new role, a deleted post) survives a restart."""

    app = models.CharField(_("application"), max_length=100, unique=True)
    seeded_at = models.DateTimeField(_("données posées le"), default=timezone.now)

    class Meta:
        verbose_name = _("données de démonstration posées")
        verbose_name_plural = _("données de démonstration posées")

    def __str__(self):
        return self.app
