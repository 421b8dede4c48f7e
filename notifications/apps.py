from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("notifications")

    def ready(self):
        from community import domain_events

        from . import actions

        domain_events.handles(domain_events.ACCESS_ENDED)(actions.drop_club_notifications)
