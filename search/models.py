"""Search has no model of its own. This module makes it a models app, so that Django sends it
`post_migrate`, after which `sqlite_index.ensure_index` keeps SQLite's French index in step with
the schema (see search/apps.py)."""
