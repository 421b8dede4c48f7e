from django import template

from cms import selectors

register = template.Library()


@register.simple_tag
def legal_pages():
    return selectors.legal_pages()
