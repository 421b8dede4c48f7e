"""`{{ value|long_date }}` and `{{ value|long_datetime }}` in templates (community.dates)."""

from django import template

from community import dates

register = template.Library()


@register.filter
def long_date(value):
    return dates.long_date(value) if value else ""


@register.filter
def long_datetime(value):
    return dates.long_datetime(value) if value else ""
