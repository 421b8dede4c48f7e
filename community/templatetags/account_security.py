"""`{{ session.user_agent|browser_and_system }}`: « Firefox sur Windows » (community.security)."""

from django import template

from community.security import describe_user_agent

register = template.Library()


@register.filter
def browser_and_system(user_agent: str) -> str:
    return describe_user_agent(user_agent)
