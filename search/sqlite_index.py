"""The French full-text index of the embedded default, SQLite (see docs/search.md).

PostgreSQL stems and folds French itself (the `french_unaccent` configuration). SQLite cannot, so
each searched text — a thread's title, a post's Markdown, a guide's published text — is turned by
`community.fulltext.french_words` (lower case, accents off, stop words out, French Snowball stems)
into a row of an FTS5 table whose rowid is the source row's key. A query is turned into stems by
the same Python code (`query_stems`), so both sides always agree.

The index is kept by the database itself, like PostgreSQL's generated columns: triggers on the
source tables call `french_words`, registered as the SQL function `entrepairs_french_words` on
every SQLite connection Django opens. Every write counts at once, `save()`, `update()` and
`bulk_create()` alike; hiding or deleting a post leaves its row, and the query leaves it out as on
PostgreSQL. After each `migrate` (and `flush`), `ensure_index` creates what is missing — the tables
on a new or older database, the triggers that a migration rebuilding a source table dropped — and
fills again any table that was out of step. `manage.py rebuild_search_index` fills them all again.

Outside Django (the `sqlite3` shell), writing to these tables fails: the function is unknown there.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet, Value
from django.db.models.expressions import RawSQL

from cms.models import GuidePage
from community.fulltext import french_words
from messaging.models import Post, Thread

FUNCTION = "entrepairs_french_words"


@dataclass(frozen=True)
class Index:
    """One FTS5 table, `name`, holding the French words of `model`'s `field`."""

    name: str
    model: type[Model]
    field: str

    @property
    def source(self) -> str:
        return self.model._meta.db_table

    @property
    def key(self) -> str:
        return str(self.model._meta.pk.column)

    @property
    def column(self) -> str:
        return str(self.model._meta.get_field(self.field).column)  # type: ignore[union-attr]

    def statements(self) -> dict[str, str]:
        """The table and its three triggers, by name."""
        new_row = (
            f"INSERT INTO {self.name}(rowid, words) "
            f"VALUES (new.{self.key}, {FUNCTION}(new.{self.column}));"
        )
        gone = f"DELETE FROM {self.name} WHERE rowid = old.{self.key};"
        return {
            self.name: (
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.name} USING fts5("
                "words, tokenize = 'unicode61 remove_diacritics 0')"
            ),
            f"{self.name}_insert": (
                f"CREATE TRIGGER IF NOT EXISTS {self.name}_insert AFTER INSERT ON {self.source} "
                f"BEGIN {new_row} END"
            ),
            f"{self.name}_update": (
                f"CREATE TRIGGER IF NOT EXISTS {self.name}_update "
                f"AFTER UPDATE OF {self.column} ON {self.source} "
                f"WHEN old.{self.column} IS NOT new.{self.column} BEGIN {gone} {new_row} END"
            ),
            f"{self.name}_delete": (
                f"CREATE TRIGGER IF NOT EXISTS {self.name}_delete AFTER DELETE ON {self.source} "
                f"BEGIN {gone} END"
            ),
        }


INDEXES = {
    "threads": Index("search_words_thread", Thread, "title"),
    "posts": Index("search_words_post", Post, "source"),
    "guides": Index("search_words_guide", GuidePage, "search_text"),
}


def register_function(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """`connection_created`: give each new SQLite connection the function the triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, french_words, deterministic=True)


def _present(cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
    return {name for (name,) in cursor.fetchall()}


def _fill(cursor, index: Index) -> None:
    cursor.execute(f"DELETE FROM {index.name}")
    cursor.execute(
        f"INSERT INTO {index.name}(rowid, words) "
        f"SELECT {index.key}, {FUNCTION}({index.column}) FROM {index.source}"
    )


def ensure_index(*, using: str = "default", rebuild: bool = False) -> list[str]:
    """Create the missing tables and triggers, and fill the tables that were out of step (every
    table if `rebuild`). Returns the names of the tables filled. Nothing to do on PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    filled = []
    with connection.cursor() as cursor:
        present = _present(cursor)
        for index in INDEXES.values():
            if index.source not in present:
                continue  # its app is not migrated (yet)
            statements = index.statements()
            missing = [name for name in statements if name not in present]
            for name in missing:
                cursor.execute(statements[name])
            if missing or rebuild:
                _fill(cursor, index)
                filled.append(index.name)
    return filled


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """`post_migrate`: the index follows the schema (see the module's docstring)."""
    ensure_index(using=using)


def matching(queryset: QuerySet, *, index: str, stems: list[str]) -> QuerySet:
    """The rows of `queryset` whose indexed text holds every stem, annotated with their `rank`
    (higher is better: FTS5's bm25 is negative)."""
    if not stems:  # only stop words: nothing, as on PostgreSQL
        return queryset.none().annotate(rank=Value(0.0))
    table = INDEXES[index]
    return queryset.extra(
        tables=[table.name],
        where=[f"{table.name}.rowid = {table.source}.{table.key}", f"{table.name} MATCH %s"],
        params=[" ".join(f'"{stem}"' for stem in stems)],
    ).annotate(rank=RawSQL(f"-{table.name}.rank", ()))
