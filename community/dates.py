"""Dates as French readers write them: « 1er décembre 2026 », « 4 octobre 2026 à 09:05 ».

Django's `j F Y` writes the first of the month « 1 décembre »; French writes « 1er ». The site's
pages and emails format every long date through here, in the site's time zone.
"""

import datetime

from django.utils import formats, timezone, translation


def _local(value: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def long_date(value: datetime.date) -> str:
    """« 1er décembre 2026 », « 4 octobre 2026 »."""
    local = _local(value)
    day = "1er" if local.day == 1 else str(local.day)
    with translation.override("fr"):
        return f"{day} {formats.date_format(local, 'F Y')}"


def long_datetime(value: datetime.datetime) -> str:
    """« 1er décembre 2026 à 09:05 »."""
    local = _local(value)
    return f"{long_date(local)} à {local:%H:%M}"
