"""Branch conditions: small, data-only expressions over earlier answers.

``{answer: age, gte: 25}``, ``{answer: status, in: [unemployed, sick]}``,
``{answer: topics, contains: maths}``, ``{answer: email, answered: true}``,
and ``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COMPARATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "contains", "answered")


def evaluate(cond: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    if "all" in cond:
        return all(evaluate(c, answers) for c in cond["all"])
    if "any" in cond:
        return any(evaluate(c, answers) for c in cond["any"])
    if "not" in cond:
        return not evaluate(cond["not"], answers)
    name = cond["answer"]
    present = name in answers
    value = answers.get(name)
    for op in COMPARATORS:
        if op not in cond:
            continue
        want = cond[op]
        if op == "answered":
            return present == bool(want)
        if not present:
            return False
        try:
            if op == "eq":
                return bool(value == want)
            if op == "ne":
                return bool(value != want)
            if op == "gt":
                return bool(value > want)
            if op == "gte":
                return bool(value >= want)
            if op == "lt":
                return bool(value < want)
            if op == "lte":
                return bool(value <= want)
            if op == "in":
                return value in want
            if op == "contains":
                return want in (value or ())
        except TypeError:
            return False
    return False


def leaves(cond: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The comparisons of one answer that a condition is made of (inside all/any/not)."""
    if "all" in cond or "any" in cond:
        return [leaf for c in cond.get("all", cond.get("any", [])) for leaf in leaves(c)]
    if "not" in cond:
        return leaves(cond["not"])
    return [cond] if "answer" in cond else []


def references(cond: Mapping[str, Any]) -> list[str]:
    """The answer names a condition reads."""
    return [leaf["answer"] for leaf in leaves(cond)]
