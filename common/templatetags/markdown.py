from django import template
from django.utils.safestring import mark_safe

from common.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """`{{ text|markdown }}`: CommonMark + tables, sanitised by nh3 (see common/markdown.py)."""
    return mark_safe(render_markdown(str(text or "")))  # noqa: S308 - nh3 sanitised it
