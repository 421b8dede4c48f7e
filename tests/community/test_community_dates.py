from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import engines

from community.dates import long_date, long_datetime

UTC = ZoneInfo("UTC")


def test_the_first_of_the_month_is_written_premier():
    assert long_date(date(2026, 12, 1)) == "1er décembre 2026"
    assert long_date(date(2026, 10, 4)) == "4 octobre 2026"


def test_a_moment_is_read_in_the_site_time_zone():
    # 23:30 UTC on 30 November is already 1 December in Paris.
    assert long_datetime(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "1er décembre 2026 à 00:30"


def test_templates_have_the_filters_without_loading_them():
    template = engines["django"].from_string("{{ when|long_date }} / {{ when|long_datetime }}")
    rendered = template.render({"when": datetime(2026, 10, 4, 7, 5, tzinfo=UTC)})
    assert rendered == "4 octobre 2026 / 4 octobre 2026 à 09:05"


def test_an_empty_date_renders_nothing():
    template = engines["django"].from_string("[{{ when|long_datetime }}]")
    assert template.render({"when": None}) == "[]"
