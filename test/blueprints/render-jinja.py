"""Renders blueprint templates with Jinja2 the way Home Assistant does for the parts our blueprints use.

Reads a JSON list of jobs on stdin: {"template", "vars", "states", "attrs", "now"}; prints the results as
JSON. HA's own helpers are written out from its documentation (templating: states(), state_attr(),
is_state(), now(), the float filter with a default) and its result parsing (a rendered string that reads
as a Python literal becomes that value: "None", "0.75", "True"). Not HA's code.
"""
import ast
import datetime
import json
import sys

from jinja2 import Environment

_MISSING = object()


def _float(value, default=_MISSING):
    try:
        return float(value)
    except (TypeError, ValueError):
        if default is _MISSING:
            raise ValueError(f"float got invalid input '{value}' and no default was given")
        return default


def render(job):
    env = Environment()
    env.filters["float"] = _float
    states, attrs = job.get("states", {}), job.get("attrs", {})
    now = datetime.datetime.fromisoformat(job.get("now", "2026-06-21T12:00:00"))
    env.globals.update(
        states=lambda e: states.get(e, "unknown"),
        state_attr=lambda e, a: attrs.get(e, {}).get(a),
        is_state=lambda e, s: states.get(e) == s,
        now=lambda: now,
        none=None,
    )
    out = env.from_string(job["template"]).render(**job.get("vars", {})).strip()
    try:
        return ast.literal_eval(out)
    except (ValueError, SyntaxError):
        return out


print(json.dumps([render(j) for j in json.load(sys.stdin)]))
