"""HTML pages for people, as Jinja2 templates (autoescaped): /docs, the batch, evaluation and training reports; ``render`` fills one."""

from __future__ import annotations

import functools

import jinja2


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("service", "templates"), autoescape=True, keep_trailing_newline=True)


def render(template: str, **context) -> str:
    """The template of that file name (e.g. ``batch_report.html``) filled with ``context``."""
    return _environment().get_template(template).render(**context)
