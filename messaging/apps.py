from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Discussions"

    def ready(self):
        from community import domain_events

        from . import actions

        domain_events.handles(domain_events.ACCESS_ENDED)(actions.end_follows_in)
