"""The flow engine: definition + state + input -> new state + outputs. Pure: no I/O, no clock.

Only steps that ask something (choice, multi, input, summary) stop the engine; message and
knowledge steps are shown and passed, an action step ends the flow with an :class:`Act`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from assistant.flow import replies
from assistant.flow.conditions import evaluate
from assistant.flow.dates import dates_in, names_a_date, names_a_span
from assistant.flow.model import ASKING_KINDS, Flow, Option, Request, Step
from assistant.i18n import (
    at_clock,
    date_name,
    format_day,
    format_when,
    language_name,
    local,
    tr,
    weekday_name,
)
from assistant.outputs import (
    Act,
    Choice,
    Choices,
    MeetingRequest,
    Output,
    ProofRequest,
    Say,
    ShowEntry,
    SlotRequest,
)
from assistant.text import LANGS, Text, join, pick
from assistant.validators import Invalid, Valid, display_value, parse_yes_no, validate

MAX_TRIES = 3
CONFIRM = "confirm"
MORE_KEY = "more"
MORE = frozenset({"more", "flere", "mere", "ще", "далі", "більше", "senere", "later",
                  "пізніше", "пізніший", "пізніші", "next"})
"""Words that ask a slot step for later times (besides the offered "more" number): alone or
with words of :data:`MORE_ALSO` ("senere", "flere tider", "more times", "пізніший час")."""
MORE_ALSO = frozenset({"tider", "tid", "times", "time", "час", "години", "годину", "vis",
                       "show", "gerne", "please", "покажіть", "покажи", "ledige", "free",
                       "вільний", "вільні", "some", "nogle", "tak"})
"""Words said with a word of :data:`MORE` when asking for later times ("vis flere tider")."""
_TIME = re.compile(r"(?<![\d.:])([01]?\d|2[0-3])[.:]([0-5]\d)(?![\d.:])")
"""A time of day as the times are shown or typed: "10.30", "kl 10:30", "9.45"."""
_HOUR = re.compile(r"(?:\b(?:kl|klokken|at|о|об)\.?\s*([01]?\d|2[0-3])(?!\d|[.:,]\d|\s*[ap]\.?m)"
                   r"|(?<![\d.:])(0?[1-9]|1[0-2])\s*(p\.?m\.?|a\.?m\.?)(?!\w))", re.IGNORECASE)
"""A whole hour said as such: "kl 14", "kl. 14", "klokken 14", "at 14", "о 14", "2 pm"."""
WEEKDAYS: dict[str, int] = {
    **{w: 0 for w in ("mandag", "monday", "понеділок", "понеділка")},
    **{w: 1 for w in ("tirsdag", "tuesday", "вівторок", "вівторка")},
    **{w: 2 for w in ("onsdag", "wednesday", "середа", "середу", "середи")},
    **{w: 3 for w in ("torsdag", "thursday", "четвер", "четверга")},
    **{w: 4 for w in ("fredag", "friday", "п'ятниця", "п'ятницю", "п'ятниці", "пятниця",
                      "пятницю", "пятниці")},
    **{w: 5 for w in ("lørdag", "lordag", "loerdag", "saturday", "субота", "суботу", "суботи")},
    **{w: 6 for w in ("søndag", "sondag", "soendag", "sunday", "неділя", "неділю", "неділі")},
}
"""Weekdays (0 is Monday) as typed in Danish, English and Ukrainian, with the forms that
follow "у"/"в" ("у середу") and Danish typed without ø: a time picked by its day."""
NEXT = frozenset({"next", "næste", "naeste", "naste", "наступного", "наступної", "наступний",
                  "наступну", "наступна", "наступному", "наступній"})
"""Words that say "next" before a weekday or the week ("næste tirsdag", "next week",
"наступного вівторка", "на наступному тижні")."""
WEEK = frozenset({"uge", "ugen", "week", "тиждень", "тижня", "тижні"})
"""The week, after a word of :data:`NEXT` ("i næste uge", "next week", "наступного тижня")."""
DAY_KEY = "day:"
"""For a slot step: an offered day ("day:2026-12-15") whose free times its number shows."""


@dataclass
class FlowState:
    """Where a user is in one flow. JSON-serialisable via :meth:`to_dict`."""

    flow_id: str
    step: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    tries: int = 0
    changed: list[str] = field(default_factory=list)
    returning: bool = False
    done: bool = False
    offers: dict[str, str] = field(default_factory=dict)
    """For a slot step: what each offered key stands for (filled by the conversation)."""
    after: str | None = None
    """For a slot step: show free times after this moment ("more times")."""
    days: list[str] | None = None
    """For a slot step: show the free times on these days, the first and the last (ISO dates),
    a day or a week typed ("15. december", "next week")."""
    at: str | None = None
    """For a slot step with :attr:`days`: a time of day typed with the day ("15. december kl
    14"), the times near it first."""

    def to_dict(self) -> dict[str, Any]:
        """A copy: the engine changes a state's lists and dicts in place, never the values
        in them, so a copy of each container keeps the dict apart from later changes."""
        return {"flow_id": self.flow_id, "step": self.step, "answers": dict(self.answers),
                "history": list(self.history), "tries": self.tries,
                "changed": list(self.changed), "returning": self.returning,
                "done": self.done, "offers": dict(self.offers), "after": self.after,
                # only when set: a state saved before them reads back the same
                **({"days": list(self.days), "at": self.at} if self.days else {})}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FlowState:
        """The state ``data`` (as :meth:`to_dict` made it), with containers of its own."""
        state = cls(**data)
        state.answers, state.history = dict(state.answers), list(state.history)
        state.changed, state.offers = list(state.changed), dict(state.offers)
        state.days = list(state.days) if state.days else None
        return state


@dataclass
class Turn:
    state: FlowState
    outputs: list[Output]
    valid: bool = True
    read: bool = False
    """The answer was read from a sentence ("jeg vil gerne have et møde om voksenlærling"),
    not picked by its number or whole label."""


def begin(flow: Flow) -> Turn:
    state = FlowState(flow_id=flow.id)
    outputs: list[Output] = [Say(flow.title, "title")]
    _advance(flow, state, flow.start, outputs)
    return Turn(state, outputs)


def requested(flows: Iterable[Flow], text: str) -> tuple[Flow, Request] | None:
    """The flow a typed request asks for ("flyt mit møde", "cancel my meeting"), with the
    request (the answers it gives), or None: questions go to the knowledge base. The words as
    written first, in every flow, then as typed without æ, ø, å or with a slip ("jeg vil boke
    et mode"): "rebook" is the change flow's, not a slip of the booking flow's "book". Later
    flows in the menu first: they act on what an earlier one made, so their words are the
    narrower ones ("make a change to my meeting" changes a booking, it does not make one).
    A weak request ("I'm here for my meeting" checks in) after every other one: "can I book a
    meeting here" books. Last, a longer message that asks in its own words for what a
    request with ``own`` words does, with other words around it ("hmm actually friday doesnt
    suit me anymore, can i move the meeting to later, like the 16th?" moves a meeting)."""
    flows = sorted(flows, key=lambda f: f.order, reverse=True)
    for typos in (False, True):
        for weak in (False, True):  # a weak request's words may ask for another flow too
            for flow in flows:
                for request in flow.requests:
                    if request.weak == weak and replies.is_request(
                            text, request.verbs, request.objects, typos=typos,
                            alone=request.alone):
                        return flow, request
    for flow in flows:
        for request in flow.requests:
            if request.own and replies.asks_with_words(text, request.verbs, request.objects,
                                                       request.own):
                return flow, request
    return None


def begin_with(flow: Flow, answers: Mapping[str, str], today: dt.date,
               lang: str | None = None) -> Turn:
    """Begin ``flow`` with the first questions answered as a request gave them."""
    turn = first = begin(flow)
    while turn.state.step in answers and not turn.state.done:
        turn = answer(flow, turn.state, answers[turn.state.step], today, lang)
        if not turn.valid:
            return begin(flow)
    if turn is first:
        return turn
    return Turn(turn.state, [Say(flow.title, "title"), *turn.outputs])


def prompt(flow: Flow, state: FlowState) -> list[Output]:
    """The current step's question and options (after a language change, resume or help)."""
    if state.step is None:
        return []
    return _ask(flow, flow.step(state.step), state)


def answer(flow: Flow, state: FlowState, raw: str, today: dt.date,
           lang: str | None = None) -> Turn:
    """Apply the user's input to the current step. ``lang`` is the conversation's language:
    numbers written in its words are read inside a sentence ("jeg er toogfyrre år")."""
    if state.step is None or state.done:
        return Turn(state, [])
    step = flow.step(state.step)
    if step.kind == "verify":  # only the conversation, having checked the code, passes it
        return Turn(state, _ask(flow, step, state), valid=False)
    typed, raw = raw, _as_number(step, state, raw, lang)
    if step.kind == "summary":
        return _summary_answer(flow, state, step, raw)
    key = _fold(raw)
    wants_more = _asks_for_more(raw) or state.offers.get(key) == MORE_KEY
    if step.kind == "slot" and wants_more and state.offers.get(MORE_KEY):
        state.after, state.tries, state.days, state.at = state.offers[MORE_KEY], 0, None, None
        return Turn(state, _ask(flow, step, state))
    parsed = _parse(step, raw, today, state, lang)
    if step.kind == "slot" and parsed.days:  # a day or a week typed: its free times
        first, last = parsed.days
        state.days, state.at = [first.isoformat(), last.isoformat()], parsed.at
        state.after, state.tries, state.offers = None, 0, {}
        return Turn(state, _ask(flow, step, state))
    if step.kind == "slot" and parsed.which:
        # "next Tuesday" on a Monday: which Tuesday? The conversation asks, of the days that
        # have free times (it knows them; a closed day is not offered)
        state.offers, state.tries, state.after, state.days, state.at = {}, 0, None, None, None
        return Turn(state, [SlotRequest(flow.id, step.id, dict(state.answers),
                                        which=tuple(day.isoformat() for day in parsed.which))])
    if step.validate == "integer" and raw != typed and parsed.error is None:
        parsed = _Parsed(parsed.value, read=True)  # "thirty five": said back as read
    if parsed.error is not None and step.kind == "choice" and replies.says_not_known(typed):
        # "ved ikke": no failed try; what the step's help says, and where a person is
        return Turn(state, [*help_for(flow, state), Say(tr(
            "Not sure which one? A member of staff can help: write \"staff\"."), "notice"),
            *_ask(flow, step, state)], valid=False)
    if parsed.error is not None:
        # the offered times narrowed down ("tirsdag": Tuesday's) is no failed try
        state.tries += 0 if parsed.choose_from and step.kind == "slot" else 1
        outputs: list[Output] = [Say(parsed.error, "error")]
        if parsed.unread:
            outputs.append(_way_out())
        if state.tries >= MAX_TRIES:
            outputs.append(Say(tr("This seems hard to answer here. A member of staff can help: "
                                  "write \"staff\"."), "notice"))
        if parsed.choose_from and step.kind == "slot":  # the offered times that fit
            outputs.extend([Say(step.text, "prompt"), _offered_times(
                step, state.offers, parsed.choose_from)])
        elif parsed.choose_from:
            outputs.extend([Say(step.text, "prompt"),
                            _choices(step, state.answers, parsed.choose_from)])
        else:
            outputs.extend(_ask(flow, step, state))
        return Turn(state, outputs, valid=False)
    value = parsed.value
    state.tries, state.offers, state.after, state.days, state.at = 0, {}, None, None, None
    state.answers[step.id] = value
    state.answers.pop(words_key(step.id), None)
    if parsed.words is not None:
        state.answers[words_key(step.id)] = parsed.words
    if state.returning and step.id not in state.changed:
        state.changed.append(step.id)
    state.history.append(step.id)
    outputs = []
    # read from a sentence, or a time picked by its number: say what was understood, so a
    # slip is seen ("2" is only a number; the time it stands for is what gets booked)
    if parsed.read or step.kind == "slot":
        shown = _display(step, value)
        if parsed.words is not None:  # "Something else: my permit ends in March"
            shown = join(shown, dict.fromkeys(LANGS, parsed.words), sep=": ")
        outputs.append(Say(tr("I understood: {answer}", answer=shown), "info"))
    _advance(flow, state, _next(step, state.answers), outputs)
    return Turn(state, outputs, read=parsed.read)


def _way_out() -> Say:
    """Under "choose one of the numbers shown" in a guide: how to go back, or leave."""
    return Say(tr("To go back a step, write \"back\". To leave, write \"menu\"."), "info")


def proven(flow: Flow, state: FlowState) -> Turn:
    """The verify step the user is at is passed (the number is proven): go on."""
    if state.step is None or flow.step(state.step).kind != "verify":
        return Turn(state, [])
    step = flow.step(state.step)
    state.tries, state.answers[step.id] = 0, True
    state.history.append(step.id)
    outputs: list[Output] = []
    _advance(flow, state, _next(step, state.answers), outputs)
    return Turn(state, outputs)


def ask_again(flow: Flow, state: FlowState, step_id: str) -> Turn:
    """Ask the earlier question ``step_id`` again, its answer refused after it was taken (a
    phone number no code can be texted to, found at the verify step after it): that answer
    goes, the answers before it stay, and the flow goes on from it as before."""
    if step_id in state.history:
        state.history = state.history[:state.history.index(step_id)]
    state.answers.pop(step_id, None)
    state.answers.pop(words_key(step_id), None)
    state.step, state.tries = step_id, 0
    return Turn(state, _ask(flow, flow.step(step_id), state), valid=False)


def back(flow: Flow, state: FlowState) -> Turn:
    """Return to the previous question; answers after it are cleared. A verify step is not a
    question: back goes past it to the one before (the number is proven again if need be)."""
    if state.history and flow.step(state.history[-1]).kind == "verify":
        state.history.pop()
    if not state.history:
        return Turn(state, [Say(tr("This is the first question. To leave the guide, write "
                                   "\"menu\"."), "notice"),
                            *prompt(flow, state)])
    target = state.history.pop()
    state.answers = _answers_of(state, {*state.history, target})
    state.step, state.tries, state.returning, state.changed = target, 0, False, []
    return Turn(state, _ask(flow, flow.step(target), state))


def help_for(flow: Flow, state: FlowState) -> list[Output]:
    if state.step is None:
        return []
    step = flow.step(state.step)
    return [Say(step.help, "info")] if step.help else []


def with_interpreter(language: str) -> Text:
    """ "with an interpreter (Ukrainian)": said wherever a booked interpreter is shown (the
    summary, the confirmation, the SMS receipt)."""
    return tr("with an interpreter ({language})", language=language_name(language))


def summary_lines(flow: Flow, state: FlowState) -> Text:
    lines: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for sid in state.history:
        step = flow.step(sid)
        if step.kind not in ASKING_KINDS or sid not in state.answers:
            continue
        label = step.label or step.text
        shown = _display(step, state.answers[sid])
        words = state.answers.get(words_key(sid))  # "Something else: my permit ends ..."
        for lang in LANGS:
            told = pick(shown, lang) + (f": {words}" if isinstance(words, str) else "")
            lines[lang].append(f"- {pick(label, lang)}: {told}")
    return {lang: "\n".join(lines[lang]) for lang in LANGS}


# -- internals -------------------------------------------------------------------------------


def _next(step: Step, answers: dict[str, Any]) -> str | None:
    for branch in step.next:
        if branch.when is None or evaluate(branch.when, answers):
            return branch.goto
    return None


def _advance(flow: Flow, state: FlowState, step_id: str | None, outputs: list[Output]) -> None:
    for _ in range(len(flow.steps) + 1):
        if step_id is None:
            state.step, state.done = None, True
            return
        step = flow.step(step_id)
        if step.kind == "message":
            outputs.append(Say(step.text))
            step_id = _next(step, state.answers)
        elif step.kind == "knowledge":
            if step.text:
                outputs.append(Say(step.text))
            outputs.append(ShowEntry(step.entry or ""))
            step_id = _next(step, state.answers)
        elif step.kind == "action":
            if step.text:
                outputs.append(Say(step.text))
            outputs.append(Act(step.action or "", flow.id, dict(state.answers)))
            state.step, state.done = None, True
            return
        elif state.returning and step.kind != "summary" and _still_good(step, state):
            state.history.append(step.id)
            step_id = _next(step, state.answers)
        elif step.id in state.answers and step.id not in state.history and \
                step.kind in ("choice", "input") and _still_good(step, state):
            state.history.append(step.id)  # answered ahead (see give): not asked
            step_id = _next(step, state.answers)
        else:
            if step.kind == "summary":
                state.answers = _answers_of(state, set(state.history))
                state.returning, state.changed = False, []
            state.step, state.tries = step.id, 0
            outputs.extend(_ask(flow, step, state))
            return
    raise RuntimeError(f"flow {flow.id} loops without asking anything")


def _still_good(step: Step, state: FlowState) -> bool:
    """During a change from the summary: may this earlier answer be kept without asking?"""
    if step.id not in state.answers or set(step.depends_on) & set(state.changed):
        return False
    value = state.answers[step.id]
    values = {o.value for o in offered(step, state.answers)}
    if step.kind == "choice":
        return value in values
    if step.kind == "multi":
        return set(value) <= values
    return True


def offered(step: Step, answers: dict[str, Any]) -> tuple[Option, ...]:
    """The options a step offers after these answers (an option's ``when`` must hold)."""
    return tuple(o for o in step.options if o.when is None or evaluate(o.when, answers))


def _choices(step: Step, answers: dict[str, Any], only: tuple[str, ...] = ()) -> Choices:
    """The offered options, numbered; with ``only``, just those (keeping their numbers)."""
    return Choices(
        tuple(Choice(str(i), o.label, o.value)
              for i, o in enumerate(offered(step, answers), 1) if not only or o.value in only),
        multi=step.kind == "multi",
    )


def days_offered(offers: Mapping[str, str]) -> Choices | None:
    """The days offered to choose from at a slot step ("Tuesday 8 December or Tuesday 15
    December?", the nearest days with free times), or None when times are offered."""
    days = [(key, value) for key, value in offers.items() if value.startswith(DAY_KEY)]
    if not days:
        return None
    return Choices(tuple(
        Choice(key, {lang: format_day(dt.date.fromisoformat(value[len(DAY_KEY):]), lang)
                     for lang in LANGS}, value) for key, value in days))


def _ask(flow: Flow, step: Step, state: FlowState) -> list[Output]:
    outputs: list[Output] = []
    if step.kind == "slot" and (days := days_offered(state.offers)) is not None:
        return [Say(tr("Choose a day, or write a date."), "prompt"), days]
    if step.spec.get("show") == "meeting" and not state.after and not state.days:
        outputs.append(MeetingRequest(flow.id, step.id, dict(state.answers)))  # once
    outputs.append(Say(step.text, "prompt"))
    outputs.extend(Say(note.text, "info") for note in step.notes
                   if note.when is None or evaluate(note.when, state.answers))
    if step.kind in ("choice", "multi"):
        if step.kind == "multi":
            outputs.append(Say(tr("You can choose more than one: write the numbers with commas, "
                                  "for example 1,3."), "info"))
        outputs.append(_choices(step, state.answers))
    elif step.kind == "slot":
        outputs.append(SlotRequest(flow.id, step.id, dict(state.answers), state.after,
                                   (state.days[0], state.days[-1]) if state.days else None,
                                   state.at))
    elif step.kind == "verify":  # the conversation says what to do (send a code, or go on)
        return [ProofRequest(flow.id, step.id, str(state.answers.get(step.spec["phone"], "")),
                             str(step.spec["purpose"]))]
    elif step.kind == "input" and step.validate == "yes_no":
        outputs.append(Choices((Choice("1", tr("Yes"), "yes"), Choice("2", tr("No"), "no"))))
    elif step.kind == "summary":
        outputs.append(Say(summary_lines(flow, state)))
        options = [Choice("1", tr("Yes, this is right"), CONFIRM)]
        for sid in state.history:
            s = flow.step(sid)
            if s.kind in ASKING_KINDS:
                label = s.label or s.text
                options.append(Choice(str(len(options) + 1), tr("Change: {what}", what=label),
                                      f"change:{sid}"))
        outputs.append(Choices(tuple(options)))
    return outputs


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split()).strip(" .")


@cache
def _fold_label(label: str) -> str:
    """A label as typed without æ, ø and å ("Voksenlærling" is "voksenlaerling" and
    "voksenlarling"); kept: each answer is compared with every option's label."""
    return replies.plain(_fold(label))


def names_option(flow: Flow, state: FlowState, raw: str, lang: str | None = None) -> bool:
    """Whether ``raw`` names an option of the question asked now, by its number, label or
    words ("cancel" at "What would you like to do?" is "Cancel the meeting"), not in one's
    own words: a command word that is an option's word answers the question."""
    if state.step is None or state.done or state.step not in flow.steps:
        return False
    step = flow.step(state.step)
    if step.kind not in ("choice", "multi"):
        return False
    options = offered(step, state.answers)
    if _pick_option(options, raw):
        return True
    return bool((replies.pick_one if step.kind == "choice" else replies.pick_many)(
        options, raw, lang))


def _pick_option(options: tuple[Option, ...], raw: str) -> str | None:
    text = _fold(raw)
    typed = replies.plain(text)
    for i, opt in enumerate(options, 1):
        if text in (str(i), opt.value) or any(_fold_label(opt.label[lang]) == typed
                                              for lang in LANGS):
            return opt.value
    return None


@dataclass(frozen=True)
class _Parsed:
    value: Any = None
    error: Text | None = None
    read: bool = False
    """Read from a sentence ("jeg er ledig", "1 og 3"), not given as shown."""
    choose_from: tuple[str, ...] = ()
    """The reply fits these options and one must be chosen: ask again with only them."""
    words: str | None = None
    """The reply in one's own words, for the option that takes them (Option.words)."""
    unread: bool = False
    """Nothing of the reply was read ("stop", "hvad?"): the user is told how to go back or
    leave, besides the error."""
    days: tuple[dt.date, dt.date] | None = None
    """At a slot step: the reply names these days (the first and the last) and no time shown
    on them: their free times are shown."""
    at: str | None = None
    """With :attr:`days`: the time of day named with them ("14:00")."""
    which: tuple[dt.date, ...] = ()
    """At a slot step: the reply names one of these days ("next Tuesday"): ask which."""


WORDS_CHARS = 200
"""At most this much of a reply in one's own words is kept."""


def _as_number(step: Step, state: FlowState, raw: str, lang: str | None) -> str:
    """A numbered answer written in words ("tre", "three", "три") as its digits; for the
    free times, also a number in a sentence ("nummer 2"). An option's own value or label is
    that option ("en" is English at the language question, not one)."""
    offers = state.offers
    if step.kind not in ("choice", "multi", "slot") and step.validate != "integer":
        return raw
    if step.kind in ("choice", "multi") and _pick_option(offered(step, state.answers), raw):
        return raw
    number = replies.whole_number(raw)
    if step.kind == "slot" and (_TIME.search(raw) or _HOUR.search(raw) or _weekdays(raw)
                                or names_a_date(raw) or names_a_span(raw)):
        return raw  # a time of day ("12.12", "kl 14"), a day ("tirsdag", "8/12", "in two
        # weeks", "uge 52"): no number
    if number is None and step.kind == "slot" and _fold(raw) not in offers:
        number = replies.chosen_number(raw, lang)
    return raw if number is None else str(number)


def _parse(step: Step, raw: str, today: dt.date, state: FlowState,
           lang: str | None) -> _Parsed:
    if step.kind == "slot":
        key, offers = _fold(raw), state.offers
        if key in offers and key != MORE_KEY and offers[key].startswith(DAY_KEY):
            day = dt.date.fromisoformat(offers[key][len(DAY_KEY):])
            return _Parsed(days=(day, day))
        if key in offers and key != MORE_KEY and offers[key] != MORE_KEY:
            return _Parsed(offers[key])
        return _slot_by_time(raw, offers, today)
    if step.kind in ("choice", "multi"):
        one, options = step.kind == "choice", offered(step, state.answers)
        shown = _pick_option(options, raw) if one else _pick_each(options, raw)
        if shown:
            return _Parsed(shown)
        first = _named_first(options, raw) if one else None
        if first is not None:
            return first
        by_range = _pick_by_range(options, raw, lang) if one else None
        if by_range is not None:
            return _Parsed(by_range, read=True)
        read = (replies.pick_one if one else replies.pick_many)(options, raw, lang)
        if isinstance(read, replies.Ambiguous):
            return _Parsed(error=_fits_several(), choose_from=read.values)
        if read:
            return _Parsed(read, read=True,
                           words=_own_words(options, read, raw) if one else None)
        own = next((o for o in options if o.words), None) if one else None
        said = " ".join(raw.split())[:WORDS_CHARS]
        if own is not None and sum(ch.isalpha() for ch in said) >= 3 and \
                not replies.says_not_known(said):
            return _Parsed(own.value, read=True, words=said)
        return _Parsed(error=tr("Please choose one of the numbers shown.") if one else
                       tr("Please choose one or more of the numbers shown, like 1,3."),
                       unread=True)
    kind = step.validate or "text"
    if kind == "yes_no" and raw.strip() in ("1", "2"):
        return _Parsed(raw.strip() == "1")
    if kind == "yes_no" and parse_yes_no(raw) is None:
        return _Parsed(error=tr("Please answer yes or no."))
    result = validate(kind, raw, step.spec, today)
    if isinstance(result, Invalid) and kind == "integer":
        found = set(replies.numbers_in(raw, lang))
        if len(found) == 1:
            again = validate(kind, str(found.pop()), step.spec, today)
            return _Parsed(again.value, read=True) if isinstance(again, Valid) else \
                _Parsed(error=again.error)
    if isinstance(result, Invalid):
        return _Parsed(error=result.error)
    return _Parsed(result.value)


def _named_first(options: tuple[Option, ...], raw: str) -> _Parsed | None:
    """At a step with an option that takes one's own words (Option.words), a reply that
    starts with an option's name or number and goes on ("Інше: я хочу поговорити про
    дозвіл", "4: мій дозвіл закінчується", "Виплати та гроші: я не отримала виплату"): that
    option, with the words after its name kept as the answer's words (a callback's note)."""
    if not any(o.words for o in options):
        return None
    said = " ".join(raw.split())
    names = sorted(((name, o) for i, o in enumerate(options, 1)
                    for name in {str(i), *o.label.values()}), key=lambda n: -len(n[0]))
    for name, option in names:
        rest = said[len(name):]
        if rest and not rest[0].isalnum() and \
                replies.plain(_fold(said[:len(name)])) == _fold_label(name):
            rest = rest.lstrip(" :;,.-\u2013\u2014")[:WORDS_CHARS]
            if sum(ch.isalpha() for ch in rest) < 3 or not replies.says_more(option, rest):
                return None  # "2 tak", "Noget andet." : read as before
            return _Parsed(option.value, read=True, words=rest)
    return None


def _own_words(options: tuple[Option, ...], value: Any, raw: str) -> str | None:
    """At a step with an option that takes one's own words (Option.words), a reply an option
    was read from ("про мій дозвіл opholdstilladelse і роботу" is "Education and work"), kept
    whole as the answer's words, so the note says what the citizen said; None at any other
    step, and for a reply that says no more than the option's name ("noget andet tak")."""
    if not any(o.words for o in options):
        return None
    option = next(o for o in options if o.value == value)
    said = " ".join(raw.split())[:WORDS_CHARS]
    return said if replies.says_more(option, said) else None


def give(flow: Flow, state: FlowState, step_id: str, raw: str, today: dt.date,
         lang: str | None = None) -> bool:
    """Answer the later question ``step_id`` ahead, from words a request came with ("call me
    back about my benefits": what the call is about), so that it is not asked when the guide
    gets there; it is in the summary, to change there. At a step with an option that takes
    one's own words the words are kept whole as the answer's words (a callback's note), as
    said. False, and nothing given, when they answer nothing there (the question is asked)."""
    step = flow.steps.get(step_id)
    if step is None or step.kind not in ("choice", "input") or step_id in state.history:
        return False
    parsed = _parse(step, raw, today, state, lang)
    if parsed.error is not None:
        return False
    state.answers[step_id] = parsed.value
    said = " ".join(raw.split())[:WORDS_CHARS]
    if step.kind == "choice" and any(o.words for o in step.options) and said:
        state.answers[words_key(step_id)] = said
    return True


def words_key(step_id: str) -> str:
    """The answer that holds a reply in one's own words to step ``step_id`` (Option.words)."""
    return f"{step_id}_words"


def _answers_of(state: FlowState, steps: set[str]) -> dict[str, Any]:
    """The answers to ``steps``, each with its reply in one's own words (if any)."""
    keep = steps | {words_key(k) for k in steps}
    return {k: v for k, v in state.answers.items() if k in keep}


def offers_later(flow: Flow, state: FlowState) -> bool:
    """Whether the question asked now is a list of times that offers later ones."""
    return (state.step is not None and not state.done and state.step in flow.steps
            and flow.step(state.step).kind == "slot" and bool(state.offers.get(MORE_KEY)))


def _asks_for_more(raw: str) -> bool:
    """The reply asks for later times: a word of MORE, with nothing else than MORE_ALSO and
    small words ("senere", "flere tider", "more times please", "пізніший час")."""
    if any(w in WEEK for w in replies.words(raw)):
        return False  # "next week" names the days to show, "næste uge"
    said = [w for w in replies.words(raw) if w not in replies.STOPWORDS]
    return any(w in MORE for w in said) and all(w in MORE or w in MORE_ALSO for w in said)


def _weekdays(raw: str) -> set[int]:
    """The weekdays a reply names ("tirsdag", "on Tuesday", "у вівторок")."""
    return {WEEKDAYS[w] for w in replies.words(raw) if w in WEEKDAYS}


def _hours(raw: str) -> set[int]:
    """The whole hours a reply names ("kl 14", "at 14", "о 14", "2 pm")."""
    found = set()
    for hour, short, half in _HOUR.findall(raw):
        if hour:
            found.add(int(hour))
        elif short:
            found.add(int(short) % 12 + (12 if half[:1].lower() == "p" else 0))
    return found


NEAR_MINUTES = 60
"""A whole hour typed that no offered time starts at ("kl 10"), when the one time in that hour
is not the nearest to it: the times within this of it are shown to choose from."""


def _weekday_after(today: dt.date, weekday: int) -> dt.date:
    """The next such weekday after today (in 1 to 7 days): "tirsdag" on a Tuesday is next
    week's."""
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


@dataclass
class _Named:
    """The days a reply at the times names: dates (a weekday is the date it stands for), a
    week (the next one, one some weeks ahead, or one by its number), or one of two days
    ("next Tuesday" within the coming six days); ``weekday``: the day was named by its
    weekday alone ("onsdag"), and is said back so."""

    dates: set[dt.date]
    weekday: int | None = None
    week: tuple[dt.date, dt.date] | None = None
    which: tuple[dt.date, ...] = ()
    weeks: bool = False
    """More than one week named ("next week or in three weeks"): not read."""


def _named_days(said: list[str], weekdays: set[int], dates: set[dt.date],
                today: dt.date, weeks: Iterable[dt.date] = ()) -> _Named:
    """The days ``said`` (the reply's words) names. A plain weekday is the next such day
    (today, on that weekday); "next week" is Monday to Sunday of the coming week, as is a
    week ``weeks`` names by its Monday ("in two weeks", "uge 52"; from today, in this week),
    a weekday in it ("tirsdag i næste uge") that day; "next Tuesday" in 7 days or more is
    that day, a sooner one may be either, so both are asked about ("næste tirsdag" on a
    Monday: tomorrow, or the Tuesday after?). Two weekdays are two dates (not read), as are
    two weeks; a date with a weekday or a week is the date."""
    pairs = list(itertools.pairwise(said))
    mondays = set(weeks)
    if any(word in NEXT and then in WEEK for word, then in pairs):
        mondays.add(today + dt.timedelta(days=7 - today.weekday()))
    after_next = {WEEKDAYS[then] for word, then in pairs if word in NEXT and then in WEEKDAYS}
    weekday = next(iter(weekdays)) if len(weekdays) == 1 else None
    if mondays and not dates:
        if len(mondays) > 1:  # "next week or in three weeks": two weeks, not read
            return _Named(set(), weeks=True)
        monday = next(iter(mondays))
        if weekday is not None:  # "tirsdag i næste uge", "вівторок наступного тижня"
            return _Named({monday + dt.timedelta(days=weekday)})
        if not weekdays:
            return _Named(set(), week=(max(monday, today), monday + dt.timedelta(days=6)))
    if after_next and weekday is not None and not dates:
        first = _weekday_after(today, weekday)
        if (first - today).days <= 6:
            return _Named(set(), which=(first, first + dt.timedelta(days=7)))
        return _Named({first})
    if dates or not weekdays:
        return _Named(dates)
    return _Named({today + dt.timedelta(days=(w - today.weekday()) % 7) for w in weekdays},
                  weekday)


def _slot_by_time(raw: str, offers: Mapping[str, str], today: dt.date) -> _Parsed:
    """A time picked by what it is, not its number: a time typed as shown ("kl 10.30",
    "10:30"), a whole hour ("kl 14", "at 14", "о 14", "2 pm"), a weekday ("tirsdag", "on
    Tuesday", "у вівторок"), a date ("den 8. december", "8/12", "15.12", "i morgen", "in 3
    days") or a day and a time ("tirsdag kl 14"). The offered time that fits, when exactly
    one does; when several do, only they are shown again, to choose by number; never a time
    that was not offered, nor one on another day than the one named: a date that does not
    exist ("31. februar") or has passed ("i går") is said to be so, not read by its hour
    alone. A day with no time shown on it, or a week ("next week", "in two weeks", "uge
    52"), is one to show the free times of; "next Tuesday" that may be tomorrow or the
    Tuesday after is asked about."""
    shown = [value for key, value in offers.items() if key != MORE_KEY and "|" in value]
    dates = dates_in(raw, today, {_clock(value) for value in shown})
    times = {(int(h), int(m)) for h, m in _TIME.findall(raw)} - dates.dotted
    if dates.impossible is not None:
        return _Parsed(error=tr("The date {date} does not exist. Please choose one of the "
                                "numbers shown.", date=dates.impossible))
    if dates.no_week is not None:
        return _Parsed(error=tr("There is no week {week}. Please choose one of the numbers "
                                "shown.", week=dates.no_week))
    said_words = replies.words(raw)
    hours = _hours(raw)
    named = _named_days(said_words, _weekdays(raw), set(dates.days), today, dates.weeks)
    if (past := sorted(d for d in dates.days | named.dates if d < today)):
        # "i går", "tirsdag i uge 48" on its Wednesday
        return _Parsed(error=tr("That day has already passed ({date}). Please choose one of "
                                "the numbers shown.",
                                date={lang: format_day(past[0], lang) for lang in LANGS}))
    on = named.dates
    clocks = len(times) + len(hours)  # one time, one hour or none, with one day or none
    negated = any(w in replies.NEGATIONS or w in ("can't", "cannot")
                  for w in said_words)  # "ikke tirsdag", "not on Tuesday"
    if clocks > 1 or len(on) > 1 or negated or named.weeks or \
            not (clocks or on or named.week or named.which):
        return _Parsed(error=tr("Please choose one of the numbers shown."), unread=True)
    if named.which:
        return _Parsed(which=named.which)
    if named.week is not None:
        return _Parsed(days=named.week)

    def on_day(value: str) -> bool:
        return not on or _start(value).date() in on

    fit = [key for key, value in offers.items() if key != MORE_KEY and "|" in value and
           (not times or _clock(value) in times) and (not hours or _clock(value)[0] in hours)
           and on_day(value)]
    if hours and len(fit) > 1:  # "kl 12" with 12.00 and 12.45 offered: 12.00
        fit = [key for key in fit if _clock(offers[key])[1] == 0] or fit
    if hours and len(fit) == 1 and _clock(offers[fit[0]])[1] != 0:
        # "kl 14" with 13.30 and 14.15 offered is 14.15; "tirsdag kl 10" with 09.45 and 10.30
        # is not 10.30 unasked (09.45 is nearer 10.00): the nearest times are shown to choose
        hour = next(iter(hours))

        def off(value: str) -> int:
            return abs(60 * _clock(value)[0] + _clock(value)[1] - 60 * hour)

        near = tuple(key for key, value in offers.items() if key != MORE_KEY and "|" in value
                     and on_day(value) and off(value) < NEAR_MINUTES)
        if any(key != fit[0] and off(offers[key]) <= off(offers[fit[0]]) for key in near):
            return _Parsed(error=tr("No time shown is {at_time}. These are the nearest: please "
                                    "choose the number of the one you want.",
                                    at_time=at_clock(dt.time(hour, 0))),
                           choose_from=near)
    if len(fit) == 1:
        return _Parsed(offers[fit[0]])
    said: Text | None = None
    clock: tuple[int, int] | None = None
    if times or hours:
        clock = next(iter(times)) if times else (next(iter(hours)), 0)
        said = at_clock(dt.time(*clock))
    if fit and hours:  # 12.15 and 12.45 for "kl 12": neither is at 12.00
        return _Parsed(error=_fits_several(), choose_from=tuple(fit))
    if on:
        target = next(iter(on))
        if fit:
            day = date_name(target) if named.weekday is None else weekday_name(named.weekday)
            said = day if said is None else tr("{date} {at_time}", date=day, at_time=said)
            return _Parsed(error=tr("More than one of the times shown is on {day}. Please "
                                    "choose the number of the one you want.", day=said),
                           choose_from=tuple(fit))
        # no time shown on that day (at that time): the day's free times, from near it
        return _Parsed(days=(target, target),
                       at=f"{clock[0]:02d}:{clock[1]:02d}" if clock else None)
    if fit:
        return _Parsed(error=tr("More than one of the times shown is {at_time}. Please choose "
                                "the number of the one you want.", at_time=said or {}),
                       choose_from=tuple(fit))
    return _Parsed(error=tr("None of the times shown is {at_time}. Choose \"Later times\" to "
                            "see more, or one of the numbers shown.", at_time=said or {}))


def _offered_times(step: Step, offers: Mapping[str, str], keys: tuple[str, ...]) -> Choices:
    """Some of the offered times, under their own numbers (the others still count)."""
    return Choices(tuple(Choice(key, _display(step, offers[key]), offers[key])
                         for key in keys))


def _start(offer: str) -> dt.datetime:
    """When an offered time ("<start>|<staff>|...") starts, as shown: Danish time."""
    return local(dt.datetime.fromisoformat(offer.split("|")[0]))


def _clock(offer: str) -> tuple[int, int]:
    """The hour and minute an offered time starts at."""
    start = _start(offer)
    return start.hour, start.minute


def _pick_by_range(options: tuple[Option, ...], raw: str, lang: str | None) -> str | None:
    """The option whose ``range`` holds the one number of the reply ("42", "jeg er 42 år",
    "мені сорок два роки"). Deterministic on purpose: a bare number that is an option's number
    picks that option (read before this); so does one said with words of choosing only
    ("nummer 2"). Any other number picks by range: one above the options' count or below 1,
    or one said with a word of age or time ("jeg er 2 år", "3 years", "2 роки")."""
    if not any(o.range is not None for o in options):
        return None
    found = set(replies.numbers_in(raw, lang))
    if len(found) != 1:
        return None
    number = found.pop()
    with_unit = any(t in replies.UNITS for t in replies.words(raw))
    if 1 <= number <= len(options) and not with_unit:
        return None  # an option's number, read by pick_one
    return next((o.value for o in options if o.holds(number)), None)


def _pick_each(options: tuple[Option, ...], raw: str) -> list[str]:
    """The options of a multi step as shown: numbers or labels between commas or spaces."""
    parts = [p for p in raw.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    picked: list[str] = []
    for part in parts:
        value = _pick_option(options, part)
        if value is None:
            return []
        if value not in picked:
            picked.append(value)
    return picked


def _fits_several() -> Text:
    return tr("That fits more than one answer. Which one do you mean?")


def _display(step: Step, value: Any) -> Text:
    if step.kind == "slot":
        if "|" not in str(value):
            return tr("Staff call me to find a time")
        start, _staff, interpreter, *language = str(value).split("|")
        when = format_when(dt.datetime.fromisoformat(start))
        if interpreter and language:
            return join(when, with_interpreter(language[0]), sep=", ")
        return when
    if step.kind == "choice":
        for opt in step.options:
            if opt.value == value:
                return opt.label
    if step.kind == "multi":
        labels = [o.label for o in step.options if o.value in value]
        return join(*labels, sep=", ")
    return display_value(step.validate or "text", value)


_CHANGE_WORDS = frozenset(replies.plain(w) for w in (
    "ret", "rette", "ændre", "ændr", "skift", "skifte", "gerne", "vil", "jeg", "min", "mit",
    "mine", "den", "det", "change", "edit", "correct", "fix", "the", "my", "i", "want", "to",
    "please", "змінити", "змініть", "зміни", "виправити", "виправте", "хочу", "мій", "моя",
    "моє"))
"""Words around a summary field's name in a request to change it ("ret tid", "change the
time", "змінити час")."""


def _plain_words(text: str) -> frozenset[str]:
    """The words of ``text`` (:func:`replies.words`) as typed without æ, ø and å."""
    return frozenset(replies.plain(w) for w in replies.words(text))


def _field_named(flow: Flow, choices: Choices, raw: str) -> str | None:
    """The "Change: ..." option whose field a reply names, in any language, with or without
    words that ask to change it ("ret tid", "tid", "change the time"); None if none or two."""
    typed = _plain_words(raw) - _CHANGE_WORDS
    if not typed:
        return None
    found = set()
    for choice in choices.options:
        if not choice.value.startswith("change:"):
            continue
        step = flow.step(choice.value.removeprefix("change:"))
        if any(_plain_words(pick(step.label or step.text, lang)) - _CHANGE_WORDS == typed
               for lang in LANGS):
            found.add(choice.value)
    return next(iter(found)) if len(found) == 1 else None


def _summary_answer(flow: Flow, state: FlowState, step: Step, raw: str) -> Turn:
    choices = _ask(flow, step, state)[-1]
    assert isinstance(choices, Choices)
    text = _fold(raw)
    picked = next(
        (c.value for c in choices.options
         if text == c.key or any(_fold(c.label[lang]) == text for lang in LANGS)),
        None,
    )
    if picked is None and parse_yes_no(raw) is True:
        picked = CONFIRM
    if picked is None:
        picked = _field_named(flow, choices, raw)
    if picked is None:
        state.tries += 1
        return Turn(state, [Say(tr("Please choose one of the numbers shown."), "error"),
                            _way_out(), *_ask(flow, step, state)], valid=False)
    state.tries = 0
    if picked == CONFIRM:
        outputs: list[Output] = []
        state.history.append(step.id)
        _advance(flow, state, _next(step, state.answers), outputs)
        return Turn(state, outputs)
    target = picked.removeprefix("change:")
    state.history = state.history[: state.history.index(target)]
    state.step, state.returning, state.changed = target, True, []
    return Turn(state, _ask(flow, flow.step(target), state))
