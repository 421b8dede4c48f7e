from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("recherche")

    def ready(self):
        # The embedded default's French index (search/sqlite_index.py): the function its triggers
        # call on every connection, and its tables and triggers after every migration.
        from . import sqlite_index

        connection_created.connect(sqlite_index.register_function)
        post_migrate.connect(sqlite_index.after_migrate, sender=self)
