"""Load and validate ``flows/*.yaml``. Every error names the file, the line and the step."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.flow import replies
from assistant.flow.conditions import COMPARATORS, evaluate, leaves, references
from assistant.flow.model import (
    ACTIONS,
    ASKING_KINDS,
    CHANNELS,
    PROOF_PURPOSES,
    STEP_KINDS,
    Branch,
    Flow,
    Note,
    Option,
    Request,
    Step,
)
from assistant.paths import data_dir
from assistant.text import LANGS
from assistant.validators import SPEC_KEYS
from assistant.yamlsource import ContentError, Node, load_yaml

ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
FLOW_KEYS = {"id", "title", "description", "start", "steps", "menu", "order", "meeting_type",
             "only_at", "requests"}
STEP_KEYS = {
    "id", "kind", "text", "label", "help", "options", "validate", "entry", "action", "next",
    "depends_on", "notes", "phone", "purpose", "show",
}
USE_KEYS = {"id", "use", "next", "depends_on"}
"""A step that reuses another flow's step of the same id keeps its own place: id, next,
depends_on."""


class _Ctx:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: Any, message: str, key: str | None = None) -> ContentError:
        line = None
        if isinstance(node, Node):
            line = node.line_of(key) if key else node.line
        return ContentError(self.path, line, message)


def _text(ctx: _Ctx, node: Node, key: str, where: str, required: bool = True) -> dict[str, str]:
    value = node.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise ctx.fail(node, f"{where}: '{key}' must map da/en/uk to text", key)
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise ctx.fail(node, f"{where}: '{key}' is missing the {lang} translation", key)
    extra = set(value) - set(LANGS)
    if extra:
        raise ctx.fail(node, f"{where}: '{key}' has unknown languages {sorted(extra)}", key)
    return {lang: value[lang].strip() for lang in LANGS}


def _condition(ctx: _Ctx, node: Any, where: str) -> None:
    if not isinstance(node, Mapping) or not node:
        raise ctx.fail(node, f"{where}: a condition must be a mapping")
    if "all" in node or "any" in node:
        items = node.get("all", node.get("any"))
        if not isinstance(items, list) or not items:
            raise ctx.fail(node, f"{where}: 'all'/'any' need a list of conditions")
        for item in items:
            _condition(ctx, item, where)
        return
    if "not" in node:
        _condition(ctx, node["not"], where)
        return
    if "answer" not in node:
        raise ctx.fail(node, f"{where}: a condition needs 'answer' (or all/any/not)")
    ops = [op for op in COMPARATORS if op in node]
    unknown = set(node) - {"answer", *COMPARATORS}
    if len(ops) != 1 or unknown:
        raise ctx.fail(node, f"{where}: a condition needs exactly one of {', '.join(COMPARATORS)}")


def _branches(ctx: _Ctx, node: Node, where: str) -> tuple[Branch, ...]:
    raw = node.get("next")
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (Branch(goto=raw),)
    if not isinstance(raw, list) or not raw:
        raise ctx.fail(node, f"{where}: 'next' must be a step id or a list of branches", "next")
    out: list[Branch] = []
    for item in raw:
        if not isinstance(item, Node) or "goto" not in item:
            raise ctx.fail(node, f"{where}: every branch needs 'goto'", "next")
        when = item.get("when")
        if when is not None:
            _condition(ctx, when, where)
        out.append(Branch(goto=str(item["goto"]), when=when))
    if out[-1].when is not None:
        raise ctx.fail(node, f"{where}: the last branch must have no 'when' (the default)", "next")
    return tuple(out)


def _notes(ctx: _Ctx, node: Node, where: str) -> tuple[Note, ...]:
    raw = node.get("notes")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise ctx.fail(node, f"{where}: 'notes' must be a list of {{text, when}}", "notes")
    out: list[Note] = []
    for item in raw:
        if not isinstance(item, Node) or set(item) - {"text", "when"}:
            raise ctx.fail(item if isinstance(item, Node) else node,
                           f"{where}: every note is {{text, when}}")
        when = item.get("when")
        if when is not None:
            _condition(ctx, when, where)
        out.append(Note(_text(ctx, item, "text", f"{where}, note"), when))
    return tuple(out)


def _range(ctx: _Ctx, opt: Node, kind: str, where: str) -> tuple[int | None, int | None] | None:
    """An option's ``range: [low, high]`` (ints, either null for open), or None."""
    if "range" not in opt:
        return None
    raw = opt["range"]
    if kind != "choice":
        raise ctx.fail(opt, f"{where}: only the options of a choice step have a 'range'", "range")
    ends_ok = isinstance(raw, list) and len(raw) == 2 and all(
        e is None or (isinstance(e, int) and not isinstance(e, bool) and e >= 0) for e in raw)
    if not ends_ok or raw == [None, None]:
        raise ctx.fail(opt, f"{where}: 'range' must be [low, high]: whole numbers of 0 or more, "
                            "one of them may be null (open)", "range")
    low, high = raw
    if low is not None and high is not None and low > high:
        raise ctx.fail(opt, f"{where}: 'range' [{low}, {high}] has its low end above its high end",
                       "range")
    return (low, high)


def _ranges_apart(ctx: _Ctx, node: Node, options: list[Option], where: str) -> None:
    """No number falls in two options' ranges (a number must pick one option)."""
    ranged = [o for o in options if o.range is not None]
    for i, a in enumerate(ranged):
        for b in ranged[i + 1:]:
            a_low, a_high = a.range or (None, None)
            b_low, b_high = b.range or (None, None)
            low = max(x for x in (a_low, b_low, 0) if x is not None)
            highs = [x for x in (a_high, b_high) if x is not None]
            if not highs or low <= min(highs):
                raise ctx.fail(node, f"{where}: the ranges of options '{a.value}' and "
                                     f"'{b.value}' overlap", "options")


def _step_id(ctx: _Ctx, node: Node, index: int) -> tuple[str, str]:
    """A step's id, checked, and how errors name the step ("step 'name'")."""
    sid = node.get("id")
    if not isinstance(sid, str) or not ID.fullmatch(sid):
        raise ctx.fail(node, f"step {index + 1}: 'id' must match {ID.pattern}", "id")
    return sid, f"step '{sid}'"


def _step(ctx: _Ctx, node: Any, index: int) -> Step:
    if not isinstance(node, Node):
        raise ctx.fail(node, f"step {index + 1} must be a mapping")
    sid, where = _step_id(ctx, node, index)
    unknown = set(node) - STEP_KEYS
    if unknown:
        raise ctx.fail(node, f"{where}: unknown keys {sorted(unknown)}", sorted(unknown)[0])
    kind = node.get("kind")
    if kind not in STEP_KINDS:
        raise ctx.fail(node, f"{where}: 'kind' must be one of {', '.join(STEP_KINDS)}", "kind")
    text = _text(ctx, node, "text", where, required=kind not in ("knowledge", "action"))
    options: list[Option] = []
    if kind in ("choice", "multi"):
        raw = node.get("options")
        if not isinstance(raw, list) or len(raw) < 2:
            raise ctx.fail(node, f"{where}: a {kind} step needs at least two options", "options")
        for opt in raw:
            if not isinstance(opt, Node) or not ID.fullmatch(str(opt.get("value", ""))):
                raise ctx.fail(node, f"{where}: every option needs a 'value' id", "options")
            if set(opt) - {"value", "label", "when", "range", "words"}:
                raise ctx.fail(opt, f"{where}: an option is {{value, label, when, range, words}}")
            when = opt.get("when")
            if when is not None:
                _condition(ctx, when, where)
            words = opt.get("words", False)
            if not isinstance(words, bool) or (words and kind != "choice"):
                raise ctx.fail(opt, f"{where}: 'words' is true or false, on an option of a "
                                    "choice step", "words")
            options.append(Option(str(opt["value"]), _text(ctx, opt, "label", where), when,
                                  _range(ctx, opt, kind, where), words))
        _ranges_apart(ctx, node, options, where)
        if sum(o.words for o in options) > 1:
            raise ctx.fail(node, f"{where}: only one option takes one's own words", "options")
        values = [o.value for o in options]
        if len(set(values)) != len(values):
            raise ctx.fail(node, f"{where}: option values must be unique", "options")
        if all(o.when is not None for o in options):
            raise ctx.fail(node, f"{where}: at least one option must have no 'when'", "options")
    elif "options" in node:
        raise ctx.fail(node, f"{where}: only choice and multi steps have options", "options")
    validate, spec = None, {}
    if kind == "input":
        raw = node.get("validate", "text")
        if isinstance(raw, str):
            validate = raw
        elif isinstance(raw, Node) and "type" in raw:
            validate = str(raw["type"])
            spec = {k: v for k, v in raw.items() if k != "type"}
        else:
            raise ctx.fail(node, f"{where}: 'validate' must be a type or {{type: ...}}", "validate")
        if validate not in SPEC_KEYS:
            raise ctx.fail(node, f"{where}: unknown validator '{validate}'", "validate")
        extra = set(spec) - SPEC_KEYS[validate]
        if extra:
            raise ctx.fail(node, f"{where}: '{validate}' takes no {sorted(extra)}", "validate")
    elif "validate" in node:
        raise ctx.fail(node, f"{where}: only input steps have 'validate'", "validate")
    if kind == "verify":
        if node.get("purpose") not in PROOF_PURPOSES:
            raise ctx.fail(node, f"{where}: 'purpose' must be one of "
                           f"{', '.join(PROOF_PURPOSES)}", "purpose")
        if not isinstance(node.get("phone"), str):
            raise ctx.fail(node, f"{where}: 'phone' must name the step that asks the number",
                           "phone")
        spec = {"phone": node["phone"], "purpose": node["purpose"]}
    elif "phone" in node or "purpose" in node:
        raise ctx.fail(node, f"{where}: only verify steps have 'phone' and 'purpose'",
                       "phone" if "phone" in node else "purpose")
    show = node.get("show")
    if show is not None:
        if show != "meeting" or kind not in ("input", "slot"):
            raise ctx.fail(node, f"{where}: 'show' can only be 'meeting', on an input or slot "
                                 "step", "show")
        spec = {**spec, "show": show}
    entry = node.get("entry")
    if kind == "knowledge" and not isinstance(entry, str):
        raise ctx.fail(node, f"{where}: a knowledge step needs 'entry'", "entry")
    action = node.get("action")
    if kind == "action" and action not in ACTIONS:
        raise ctx.fail(node, f"{where}: 'action' must be one of {', '.join(ACTIONS)}", "action")
    branches = _branches(ctx, node, where)
    if kind == "action" and branches:
        raise ctx.fail(node, f"{where}: an action step ends the flow and has no 'next'", "next")
    if kind in (*ASKING_KINDS, "summary", "verify") and not branches:
        raise ctx.fail(node, f"{where}: a {kind} step needs 'next'", "kind")
    depends = node.get("depends_on", [])
    if not isinstance(depends, list):
        raise ctx.fail(node, f"{where}: 'depends_on' must be a list of step ids", "depends_on")
    return Step(
        id=sid,
        kind=kind,
        text=text,
        line=node.line,
        label=_text(ctx, node, "label", where, required=False) or None,
        help=_text(ctx, node, "help", where, required=False) or None,
        options=tuple(options),
        validate=validate,
        spec=spec,
        entry=entry,
        action=action,
        next=branches,
        depends_on=tuple(str(d) for d in depends),
        notes=_notes(ctx, node, where),
    )


def _used_step(ctx: _Ctx, node: Node, index: int, path: Path, meeting_type: Any,
               chain: tuple[str, ...], parsed: dict[Path, Flow]) -> Step:
    """``use: book``: the step of the same id in flows/book.yaml (its kind, question, label,
    options), asked here with this flow's own ``next`` and ``depends_on``. An option shown
    only for some meeting types (``when: {answer: meeting_type, ...}``) is kept or left out
    once, for this flow's fixed ``meeting_type``. ``parsed``: the flows already read while
    loading (each file is read once however many steps use it)."""
    sid, where = _step_id(ctx, node, index)
    unknown = set(node) - USE_KEYS
    if unknown:
        raise ctx.fail(node, f"{where}: a step with 'use' has only {', '.join(sorted(USE_KEYS))}",
                       sorted(unknown)[0])
    source = node.get("use")
    if not isinstance(source, str) or not ID.fullmatch(source) or source in (path.stem, *chain):
        raise ctx.fail(node, f"{where}: 'use' must name another flow", "use")
    file = path.parent / f"{source}.yaml"
    if not file.is_file():
        raise ctx.fail(node, f"{where}: 'use' names unknown flow '{source}'", "use")
    if file not in parsed:
        parsed[file] = parse_flow(file.read_text(encoding="utf-8"), file,
                                  _chain=(*chain, path.stem), _parsed=parsed)
    shared = parsed[file].steps.get(sid)
    if shared is None or shared.kind not in ASKING_KINDS:
        raise ctx.fail(node, f"{where}: flow '{source}' has no question '{sid}' to use", "use")
    options: list[Option] = []
    for option in shared.options:
        if option.when is None or not set(references(option.when)) <= {"meeting_type"}:
            options.append(option)
        elif meeting_type is None:
            raise ctx.fail(node, f"{where}: an option of '{source}' depends on the meeting "
                                 "type, and this flow has no 'meeting_type'", "use")
        elif evaluate(option.when, {"meeting_type": meeting_type}):
            options.append(replace(option, when=None))
    if shared.options and len(options) < 2:
        raise ctx.fail(node, f"{where}: fewer than two options are left for meeting type "
                             f"'{meeting_type}'", "use")
    branches = _branches(ctx, node, where)
    if not branches:
        raise ctx.fail(node, f"{where}: a {shared.kind} step needs 'next'", "use")
    depends = node.get("depends_on", [])
    if not isinstance(depends, list):
        raise ctx.fail(node, f"{where}: 'depends_on' must be a list of step ids", "depends_on")
    return replace(shared, id=sid, line=node.line, options=tuple(options), next=branches,
                   depends_on=tuple(str(d) for d in depends))


def _compared_values(cond: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The (answer, value) pairs a condition compares with eq, ne or in."""
    pairs: list[tuple[str, Any]] = []
    for leaf in leaves(cond):
        pairs.extend((leaf["answer"], leaf[op]) for op in ("eq", "ne") if op in leaf)
        if isinstance(leaf.get("in"), list):
            pairs.extend((leaf["answer"], value) for value in leaf["in"])
    return pairs


def _check_references(ctx: _Ctx, flow: Flow, nodes: dict[str, Node]) -> None:
    for step in flow.steps.values():
        node = nodes[step.id]
        for branch in step.next:
            if branch.goto not in flow.steps:
                raise ctx.fail(node, f"step '{step.id}': 'next' names unknown step '{branch.goto}'",
                               "next")
        conditions = [("next", b.when) for b in step.next] + [("notes", n.when) for n in step.notes]
        conditions += [("options", o.when) for o in step.options if o.when is not None]
        for key, when in conditions:
            for ref in references(when or {}):
                if ref not in flow.steps or flow.steps[ref].kind not in ASKING_KINDS:
                    raise ctx.fail(
                        node, f"step '{step.id}': condition reads unknown answer '{ref}'", key
                    )
                if key in ("notes", "options") and ref not in step.depends_on:
                    # Shown as the step is asked: it can only read answers given before, and
                    # must be asked again (depends_on) when one of those changes.
                    what = "a note" if key == "notes" else "an option"
                    raise ctx.fail(node, f"step '{step.id}': {what} reads '{ref}', which must "
                                   "be an earlier step named in depends_on", key)
            for ref, value in _compared_values(when or {}):
                options = {o.value for o in flow.steps[ref].options}
                if options and value not in options:
                    raise ctx.fail(node, f"step '{step.id}': '{ref}' has no option '{value}'",
                                   key)
        phone = step.spec.get("phone") if step.kind == "verify" else None
        if phone is not None and (phone not in flow.steps
                                  or flow.steps[phone].validate != "phone"):
            raise ctx.fail(node, f"step '{step.id}': 'phone' must name an input step that "
                           "validates a phone number", "phone")
        for dep in step.depends_on:
            if dep not in flow.steps:
                raise ctx.fail(node, f"step '{step.id}': depends_on names unknown step '{dep}'",
                               "depends_on")
    seen: set[str] = set()
    todo = [flow.start]
    while todo:
        sid = todo.pop()
        if sid in seen:
            continue
        seen.add(sid)
        todo.extend(b.goto for b in flow.steps[sid].next)
    for sid in flow.steps:
        if sid not in seen:
            raise ctx.fail(nodes[sid], f"step '{sid}' can never be reached from '{flow.start}'")


def _words(ctx: _Ctx, node: Node, key: str) -> frozenset[str]:
    raw = node.get(key)
    if not isinstance(raw, Node) or set(raw) != set(LANGS) or not all(
            isinstance(ws, list) and ws and all(isinstance(w, str) and w.strip() for w in ws)
            for ws in raw.values()):
        raise ctx.fail(node, f"requests: '{key}' must map da/en/uk to lists of words", key)
    found = {w for ws in raw.values() for w in ws}
    several = [w for w in found if len(replies.words(w)) != 1]
    if several:
        raise ctx.fail(node, f"requests: '{key}' holds {several[0]!r}, which is not one word", key)
    return frozenset(replies.words(w)[0] for w in found)


def _requests(ctx: _Ctx, data: Node, flow: Flow) -> tuple[Request, ...]:
    """``requests``: the typed requests that start the flow, each with the answers it gives."""
    raw = data.get("requests", [])
    if not isinstance(raw, list):
        raise ctx.fail(data, "'requests' must be a list of {answer, verbs, objects}", "requests")
    found: list[Request] = []
    for item in raw:
        if not isinstance(item, Node) or set(item) - {"answer", "verbs", "objects", "alone",
                                                      "weak", "own"}:
            raise ctx.fail(item if isinstance(item, Node) else data,
                           "a request is {answer, verbs, objects, alone, weak, own}", "requests")
        if not isinstance(item.get("weak", False), bool):
            raise ctx.fail(item, "requests: 'weak' must be true or false", "weak")
        answers = item.get("answer", {})
        if not isinstance(answers, Node):
            raise ctx.fail(item, "requests: 'answer' must map a step id to an option", "answer")
        for step_id, value in answers.items():
            step = flow.steps.get(step_id)
            if step is None or step.kind != "choice" or value not in {
                    o.value for o in step.options}:
                raise ctx.fail(item, f"requests: '{step_id}' is no choice step with an option "
                                     f"'{value}'", "answer")
        found.append(Request({str(k): str(v) for k, v in answers.items()},
                             _words(ctx, item, "verbs"), _words(ctx, item, "objects"),
                             _words(ctx, item, "alone") if "alone" in item else frozenset(),
                             bool(item.get("weak", False)),
                             _words(ctx, item, "own") if "own" in item else frozenset()))
    return tuple(found)


def _only_at(ctx: _Ctx, data: Node) -> tuple[str, ...]:
    raw = data.get("only_at", [])
    if not isinstance(raw, list) or not set(raw) <= set(CHANNELS):
        raise ctx.fail(data, f"'only_at' must be a list of {', '.join(CHANNELS)}", "only_at")
    return tuple(str(c) for c in raw)


def parse_flow(text: str, path: Path, _chain: tuple[str, ...] = (),
               _parsed: dict[Path, Flow] | None = None) -> Flow:
    ctx = _Ctx(path)
    parsed = {} if _parsed is None else _parsed
    data = load_yaml(text, path)
    if not isinstance(data, Node):
        raise ContentError(path, 1, "a flow file must be a mapping")
    unknown = set(data) - FLOW_KEYS
    if unknown:
        raise ctx.fail(data, f"unknown keys {sorted(unknown)}", sorted(unknown)[0])
    fid = data.get("id")
    if not isinstance(fid, str) or not ID.fullmatch(fid):
        raise ctx.fail(data, f"'id' must match {ID.pattern}", "id")
    if fid != path.stem:
        raise ctx.fail(data, f"flow id '{fid}' must equal the file name '{path.stem}'", "id")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ctx.fail(data, "'steps' must be a non-empty list", "steps")
    steps: dict[str, Step] = {}
    nodes: dict[str, Node] = {}
    for i, raw in enumerate(raw_steps):
        if isinstance(raw, Node) and "use" in raw:
            step = _used_step(ctx, raw, i, path, data.get("meeting_type"), _chain, parsed)
        else:
            step = _step(ctx, raw, i)
        if step.id in steps:
            raise ctx.fail(raw, f"step id '{step.id}' is used twice", "id")
        steps[step.id] = step
        nodes[step.id] = raw
    start = data.get("start", raw_steps[0]["id"])
    if start not in steps:
        raise ctx.fail(data, f"'start' names unknown step '{start}'", "start")
    flow = Flow(
        id=fid,
        title=_text(ctx, data, "title", "flow"),
        description=_text(ctx, data, "description", "flow"),
        start=start,
        steps=steps,
        path=str(path),
        menu=bool(data.get("menu", True)),
        order=int(data.get("order", 100)),
        meeting_type=data.get("meeting_type"),
        only_at=_only_at(ctx, data),
    )
    flow = replace(flow, requests=_requests(ctx, data, flow))
    _check_references(ctx, flow, nodes)
    _check_proof(ctx, flow, nodes)
    return flow


NEEDS_PROOF = {"book": "book", "cancel": "manage", "reschedule": "manage"}
"""The actions that act on a phone number's bookings, and the verify step each needs first
(booking/proof.py; the actions check the proof again)."""


def _check_proof(ctx: _Ctx, flow: Flow, nodes: dict[str, Node]) -> None:
    purposes = {s.spec.get("purpose") for s in flow.steps.values() if s.kind == "verify"}
    for step in flow.steps.values():
        wanted = NEEDS_PROOF.get(step.action or "")
        if step.kind == "action" and wanted and wanted not in purposes:
            raise ctx.fail(nodes[step.id], f"step '{step.id}': a flow that runs '{step.action}' "
                           f"needs a verify step with purpose '{wanted}' before it", "action")


def load_flows(folder: Path | None = None) -> dict[str, Flow]:
    """Every flow in ``folder`` (default: the installed ``flows/``), by id, in menu order."""
    folder = folder or data_dir("flows")
    parsed: dict[Path, Flow] = {}  # a flow's steps that others use (book.yaml) are read once
    for p in sorted(folder.glob("*.yaml")):
        if p not in parsed:
            parsed[p] = parse_flow(p.read_text(encoding="utf-8"), p, _parsed=parsed)
    flows = list(parsed.values())
    flows.sort(key=lambda f: (f.order, f.id))
    return {f.id: f for f in flows}


def entry_references(flows: Iterable[Flow]) -> list[tuple[Flow, Step]]:
    """Knowledge steps, for cross-checking against the knowledge base."""
    return [(f, s) for f in flows for s in f.steps.values() if s.entry]
