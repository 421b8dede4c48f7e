from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from search.sqlite_index import ensure_index


class Command(BaseCommand):
    help = (
        "Refait l'index de recherche en français de SQLite (fils, messages, guides) à partir des "
        "textes enregistrés. Sans objet sur PostgreSQL, qui tient son index lui-même."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Base à indexer.")

    def handle(self, *args, database, **options):
        if connections[database].vendor != "sqlite":
            self.stdout.write("PostgreSQL tient son index de recherche lui-même : rien à refaire.")
            return
        filled = ensure_index(using=database, rebuild=True)
        self.stdout.write(f"Index de recherche refait : {', '.join(filled) or 'aucune table'}.")
