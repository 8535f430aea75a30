"""The flow engine and loader: pure behaviour and load-time errors with file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.flow import engine
from assistant.flow.loader import load_flows, parse_flow
from assistant.outputs import Act, Choices, SlotRequest
from assistant.yamlsource import ContentError

from .replies import reply_text

TODAY = dt.date(2026, 11, 24)




@pytest.fixture(scope="module")
def flows():
    return load_flows()


def walk(flow, inputs):
    turn = engine.begin(flow)
    state = turn.state
    for raw in inputs:
        turn = engine.answer(flow, state, raw, TODAY)
        state = turn.state
    return turn


def test_every_shipped_flow_loads_and_has_all_languages(flows) -> None:
    assert {"book", "voksenlaerling", "staff"} <= set(flows)
    for flow in flows.values():
        for step in flow.steps.values():
            if step.text:
                assert set(step.text) == {"da", "en", "uk"}


SLOT = "2026-11-25T09:00:00+00:00|1|"


def test_summary_change_reasks_dependent_steps_and_keeps_the_rest(flows) -> None:
    book = flows["book"]
    turn = walk(book, ["2", "2", "2", "3"])  # a later job meeting, by phone, in Ukrainian
    assert turn.state.step == "slot"
    assert any(type(o).__name__ == "SlotRequest" for o in turn.outputs)
    turn.state.offers = {"1": SLOT, "2": "more", "more": "2026-11-25T09:00:00+00:00"}
    for raw in ["1", "Olga Petrenko", "22334455"]:
        turn = engine.answer(book, turn.state, raw, TODAY)
    assert turn.state.step == "proof", "the number is proven (or not asked) before the summary"
    assert not engine.answer(book, turn.state, "123456", TODAY).valid, "only the conversation"
    turn = engine.proven(book, turn.state)
    assert turn.state.step == "summary"
    assert "- Time: Wednesday, 25 November 2026 at 10:00" in reply_text(turn.outputs)
    # change the meeting type to one held only in person: the channel question drops out,
    # the language is kept, and the time (which depends on the meeting type) is asked again
    turn = engine.answer(book, turn.state, "2", TODAY)
    assert turn.state.step == "meeting_type"
    turn = engine.answer(book, turn.state, "7", TODAY)
    assert turn.state.step == "slot", "slot depends_on meeting_type"
    turn.state.offers = {"1": SLOT}
    turn = engine.answer(book, turn.state, "1", TODAY)
    assert turn.state.step == "summary", "name and phone were kept"
    assert turn.state.answers == {"meeting_type": "special_law_intake", "language": "uk",
                                  "slot": SLOT, "name": "Olga Petrenko",
                                  "phone": "+4522334455", "proof": True}
    turn = engine.answer(book, turn.state, "1", TODAY)
    assert turn.state.done
    act = next(o for o in turn.outputs if isinstance(o, Act))
    assert act.action == "book" and act.answers["meeting_type"] == "special_law_intake"


def test_slot_step_pages_and_refuses_unoffered_keys(flows) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    assert turn.state.step == "slot"
    turn.state.offers = {"1": SLOT, "2": "more", "more": "2026-11-25T09:00:00+00:00"}
    assert not engine.answer(book, turn.state, "3", TODAY).valid
    turn = engine.answer(book, turn.state, "2", TODAY)
    assert turn.state.after == "2026-11-25T09:00:00+00:00" and turn.state.step == "slot"


def test_back_clears_answers_after_the_step_it_returns_to(flows) -> None:
    flow = flows["voksenlaerling"]
    turn = walk(flow, ["40", "2", "3"])
    assert turn.state.step == "months"
    assert set(turn.state.answers) == {"age", "situation", "education"}
    turn = engine.back(flow, turn.state)
    assert turn.state.step == "education"
    turn = engine.back(flow, turn.state)
    assert turn.state.step == "situation"
    assert set(turn.state.answers) == {"age", "situation"}
    turn = engine.back(flow, engine.back(flow, turn.state).state)
    assert "first question" in reply_text(turn.outputs)


def test_a_condition_on_an_option_that_does_not_exist_fails_at_load(tmp_path: Path) -> None:
    """A misspelt option value would make a branch or a note silently never apply."""
    flow = (tmp_path / "typo.yaml")
    flow.write_text("""id: typo
title: {da: T, en: T, uk: Т}
description: {da: d, en: d, uk: d}
steps:
  - id: kind
    kind: choice
    text: {da: "Hvad?", en: "What?", uk: "Що?"}
    options:
      - {value: job_meeting, label: {da: J, en: J, uk: J}}
      - {value: other, label: {da: A, en: O, uk: І}}
    next:
      - when: {answer: kind, in: [job_meting]}
        goto: done
      - goto: done
  - id: done
    kind: message
    text: {da: Tak, en: Thanks, uk: Дякуємо}
""", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_flows(tmp_path)
    assert str(info.value).startswith(f"{flow}:11:"), str(info.value)  # its next:
    assert "'kind' has no option 'job_meting'" in str(info.value)


def test_a_first_job_meeting_is_offered_in_person_only(flows) -> None:
    """The first jobsamtale is held in person: the booking asks whether it is the first one
    before it offers phone or video, and offers them only for a later one."""
    book = flows["book"]
    asked = walk(book, ["2"])
    assert asked.state.step == "first_job_meeting"
    assert "Is this your first job meeting?" in reply_text(asked.outputs)
    said = reply_text(asked.outputs)
    assert "By video" not in said and "By phone" not in said
    first = walk(book, ["2", "1"])
    assert "Your first job meeting is in person, at the jobcenter." in reply_text(first.outputs)
    assert first.state.step == "language" and "By video" not in reply_text(first.outputs)
    later = walk(book, ["2", "no"])
    assert later.state.step == "channel" and "3. By video" in reply_text(later.outputs)
    sickness = reply_text(walk(book, ["3"]).outputs)
    assert "How would you like to meet?" in sickness and "first job meeting" not in sickness


def test_a_note_is_shown_only_for_the_answers_it_is_about() -> None:
    flow = parse_flow("""
id: notes
title: {da: N, en: N, uk: Н}
description: {da: d, en: d, uk: d}
steps:
  - id: kind
    kind: choice
    text: {da: "Hvad?", en: "What?", uk: "Що?"}
    options:
      - {value: job, label: {da: Job, en: Job, uk: Робота}}
      - {value: sick, label: {da: Syg, en: Sick, uk: Хвороба}}
    next: how
  - id: how
    kind: choice
    depends_on: [kind]
    text: {da: "Hvordan?", en: "How?", uk: "Як?"}
    notes:
      - when: {answer: kind, eq: job}
        text: {da: Kun fysisk, en: In person only the first time, uk: Лише особисто}
    options:
      - {value: in_person, label: {da: Her, en: Here, uk: Тут}}
      - {value: phone, label: {da: Telefon, en: Phone, uk: Телефон}}
    next: done
  - id: done
    kind: message
    text: {da: Tak, en: Thanks, uk: Дякуємо}
""", Path("notes.yaml"))
    job = reply_text(walk(flow, ["1"]).outputs)
    assert "How?" in job and "In person only the first time" in job
    sick = reply_text(walk(flow, ["2"]).outputs)
    assert "How?" in sick and "In person" not in sick
    state = walk(flow, ["1"]).state
    assert "In person only" in reply_text(engine.prompt(flow, state)), "shown again on resume"


def test_branch_on_age(flows) -> None:
    flow = flows["voksenlaerling"]
    young = walk(flow, ["24"])
    assert young.state.step == "ask_staff"  # a member of staff, not a voksenlærling meeting
    assert "25 or older" in reply_text(young.outputs)
    old = walk(flow, ["25"])
    assert old.state.step == "situation"


def test_state_round_trips_through_json(flows) -> None:
    import json

    flow = flows["book"]
    turn = walk(flow, ["1", "1"])
    again = engine.FlowState.from_dict(json.loads(json.dumps(turn.state.to_dict())))
    assert again == turn.state


def test_multi_choice_and_validators() -> None:
    flow = parse_flow("""
id: demo
title: {da: Demo, en: Demo, uk: Демо}
description: {da: d, en: d, uk: d}
steps:
  - id: topics
    kind: multi
    text: {da: "Hvad?", en: "What?", uk: "Що?"}
    options:
      - {value: maths, label: {da: Matematik, en: Maths, uk: Математика}}
      - {value: danish, label: {da: Dansk, en: Danish, uk: Данська}}
      - {value: it, label: {da: IT, en: IT, uk: ІТ}}
    next:
      - when: {answer: topics, contains: maths}
        goto: when
      - goto: mail
  - id: when
    kind: input
    validate: {type: date, not_past: true}
    text: {da: "Hvornår?", en: "When?", uk: "Коли?"}
    next: mail
  - id: mail
    kind: input
    validate: email
    text: {da: "Mail?", en: "Mail?", uk: "Пошта?"}
    next: done
  - id: done
    kind: message
    text: {da: Tak, en: Thanks, uk: Дякуємо}
""", Path("demo.yaml"))
    turn = walk(flow, ["4"])
    assert not turn.valid
    turn = walk(flow, ["1, 3"])
    assert turn.state.answers["topics"] == ["maths", "it"] and turn.state.step == "when"
    assert not engine.answer(flow, turn.state, "23.11.2026", TODAY).valid
    turn = engine.answer(flow, turn.state, "1.12.2026", TODAY)
    assert turn.state.answers["when"] == "2026-12-01"
    assert not engine.answer(flow, turn.state, "not an address", TODAY).valid
    turn = engine.answer(flow, turn.state, "olga@example.dk", TODAY)
    assert turn.state.done and "Thanks" in reply_text(turn.outputs)


BROKEN = {
    "unknown_step": ("next: nowhere", "names unknown step 'nowhere'"),
    "missing_translation": ("uk: Що?", "missing the uk translation"),
    "bad_validator": ("validate: {type: colour}", "unknown validator 'colour'"),
    "note_on_unknown_answer": (
        "validate: {type: text}\n    notes:\n      - when: {answer: nothing, eq: x}\n"
        "        text: {da: a, en: a, uk: a}", "condition reads unknown answer 'nothing'"),
    "note_on_its_own_answer": (
        "validate: {type: text}\n    notes:\n      - when: {answer: first, answered: true}\n"
        "        text: {da: a, en: a, uk: a}", "a note reads 'first', which must be an earlier"),
    "note_without_language": (
        "validate: {type: text}\n    notes:\n      - text: {da: a, en: a}",
        "note: 'text' is missing the uk translation"),
}
BASE = """id: broken
title: {da: B, en: B, uk: Б}
description: {da: d, en: d, uk: d}
steps:
  - id: first
    kind: input
    validate: {type: text}
    text:
      da: Hvad?
      en: What?
      uk: Що?
    next: second
  - id: second
    kind: message
    text: {da: Tak, en: Thanks, uk: Дякуємо}
"""


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_load_errors_name_file_line_and_step(case: str, tmp_path: Path) -> None:
    replacement, message = BROKEN[case]
    original = {"unknown_step": "next: second", "missing_translation": "uk: Що?"}.get(
        case, "validate: {type: text}")
    text = BASE.replace(original, replacement if case != "missing_translation" else "")
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_flows(tmp_path)
    error = str(info.value)
    assert error.startswith(f"{path}:"), error
    assert "step 'first'" in error and message in error
    line = int(error.split(":")[1])
    assert 5 <= line <= 12, f"line {line} should point into step 'first'"


@pytest.mark.parametrize(("said", "meant"), [
    ("ja tak", True), ("nej tak", False), ("yes please", True), ("no, I have not", False),
    ("так, звісно", True), ("ні, дякую", False), ("ja, nej", None), ("yes I have not", None),
    ("maybe yes", None),
])
def test_yes_and_no_at_the_start_of_a_sentence(said: str, meant) -> None:
    from assistant.validators import parse_yes_no

    assert parse_yes_no(said) is meant


def test_the_booking_offers_only_the_ways_to_meet_each_meeting_type_allows(flows) -> None:
    """What the booking offers is what booking it allows: a meeting type's channels (the
    shipped meeting types), and a first jobsamtale in person. Nothing is offered and then
    refused at the end."""
    from assistant.site.spec import example_path, load_site

    channels = {m["code"]: set(m.get("channels", ["in_person"]))
                for m in load_site(example_path()).data["meeting_types"]}  # the demo's
    book = flows["book"]
    for number, option in enumerate(book.step("meeting_type").options, 1):
        allowed = channels[option.value]
        for later in (["2"] if option.value == "job_meeting" else [[]]):
            turn = walk(book, [str(number), *later])
            if turn.state.step != "channel":
                assert turn.state.step == "language" and "in_person" in allowed
                continue
            offered = {o.value for o in engine.offered(book.step("channel"), turn.state.answers)}
            assert offered <= allowed, (option.value, offered - allowed)
            assert "By video" not in reply_text(turn.outputs) or "video" in allowed
    repatriation = walk(book, ["6"])
    assert "2. By phone" in reply_text(repatriation.outputs)
    assert "By video" not in reply_text(repatriation.outputs)
    assert not engine.answer(book, repatriation.state, "3", TODAY).valid
    assert not engine.answer(book, walk(book, ["6"]).state, "video", TODAY).valid


def test_an_option_offered_on_an_answer_it_does_not_depend_on_fails_at_load(
        tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BASE.replace("    next: second", """    next: pick
  - id: pick
    kind: choice
    text: {da: a, en: a, uk: a}
    options:
      - {value: a, label: {da: a, en: a, uk: a}}
      - {value: b, label: {da: b, en: b, uk: b}, when: {answer: first, eq: x}}
    next: second"""), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_flows(tmp_path)
    assert "step 'pick': an option reads 'first', which must be an earlier step named in " \
        "depends_on" in str(info.value)
    assert str(info.value).startswith(f"{path}:16:"), str(info.value)


def test_an_option_named_by_its_own_value_is_not_read_as_a_number(flows) -> None:
    """"en" is English at the language question, though it is also Danish for one; "tre"
    is the third option; a number word at the summary is not taken for "yes, this is right"."""
    book = flows["book"]
    at_language = walk(book, ["1"]).state
    assert engine.answer(book, at_language, "en", TODAY, "da").state.answers["language"] == "en"
    at_language = walk(book, ["1"]).state
    assert engine.answer(book, at_language, "tre", TODAY, "da").state.answers["language"] == "uk"
    state = walk(book, ["7", "3"]).state
    state.offers = {"1": SLOT}
    for raw in ["1", "Olga Petrenko", "22334455"]:
        state = engine.answer(book, state, raw, TODAY).state
    state = engine.proven(book, state).state
    assert state.step == "summary"
    assert not engine.answer(book, state, "en", TODAY, "da").valid


@pytest.mark.parametrize(("said", "lang", "age"), [
    ("42", "da", "from_30"), ("jeg er 42 år", "da", "from_30"),
    ("jeg er toogfyrre år", "da", "from_30"), ("I am 27 years old", "en", "from_25_to_29"),
    ("мені 27 років", "uk", "from_25_to_29"), ("19", "uk", "under_25"),
    # a bare option number is the option; with a word of age it is an age
    ("2", "da", "from_25_to_29"), ("nummer 3", "da", "from_30"),
    ("jeg er 2 år", "da", "under_25"),
])
def test_an_age_picks_the_option_whose_range_holds_it(flows, said: str, lang: str,
                                                       age: str) -> None:
    flow = flows["et_trin_op"]
    state = walk(flow, ["1", "2"]).state
    assert state.step == "age"
    turn = engine.answer(flow, state, said, TODAY, lang)
    assert turn.valid and turn.state.answers["age"] == age


@pytest.mark.parametrize(("ranges", "message"), [
    ("[30, 25]", "low end above its high end"), ("[null, null]", "must be [low, high]"),
    ("[a, 3]", "must be [low, high]"), ("[20, 40]", "overlap"),
])
def test_a_broken_option_range_fails_at_load_with_its_line(tmp_path: Path, ranges: str,
                                                            message: str) -> None:
    text = BASE.replace("""    kind: input
    validate: {type: text}
""", f"""    kind: choice
    options:
      - value: young
        label: {{da: Ung, en: Young, uk: Молодий}}
        range: {ranges}
      - value: old
        label: {{da: Gammel, en: Old, uk: Старий}}
        range: [30, null]
""")
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_flows(tmp_path)
    error = str(info.value)
    assert error.startswith(f"{path}:") and message in error, error
    assert "step 'first'" in error


@pytest.mark.parametrize("said", ["senere", "Senere tider", "flere tider", "later",
                                  "more times", "later times please", "пізніше",
                                  "Пізніший час"])
def test_the_word_of_the_later_times_option_asks_for_later_times(flows, said: str) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = {"1": SLOT, "2": "more", "more": "2026-11-25T09:00:00+00:00"}
    turn = engine.answer(book, turn.state, said, TODAY)
    assert turn.valid and turn.state.after == "2026-11-25T09:00:00+00:00"


def test_senere_in_a_sentence_about_something_else_is_no_request_for_times(flows) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = {"1": SLOT, "2": "more", "more": "2026-11-25T09:00:00+00:00"}
    turn = engine.answer(book, turn.state, "jeg kommer senere med min kone", TODAY)
    assert not turn.valid and turn.state.after is None


AT_1030 = "2026-11-25T09:30:00+00:00|1|"  # 10.30 in Copenhagen
AT_1030_TOO = "2026-11-26T09:30:00+00:00|2|"
AT_1115 = "2026-11-25T10:15:00+00:00|1|"


@pytest.mark.parametrize("said", ["kl 10.30", "10:30", "10.30", "kl. 10.30 tak"])
def test_a_time_typed_as_shown_picks_the_one_offered_time_at_it(flows, said: str) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = {"1": AT_1115, "2": AT_1030, "3": "more", "more": AT_1030[:25]}
    turn = engine.answer(book, turn.state, said, TODAY)
    assert turn.valid and turn.state.answers["slot"] == AT_1030
    assert "10:30" in reply_text(turn.outputs) or "10.30" in reply_text(turn.outputs, "da")


AT_1400_TUE = "2026-11-24T13:00:00+00:00|1|"  # Tuesday 14.00 in Copenhagen
PICK_BY_WORDS = {"1": AT_1400_TUE, "2": AT_1030, "3": AT_1115, "4": "more",
                 "more": AT_1115[:25]}
"""Tuesday 14.00, Wednesday 10.30 and 11.15, and later times."""


@pytest.mark.parametrize("said", ["tirsdag", "på tirsdag tak", "Tuesday", "on tuesday",
                                  "вівторок", "у вівторок", "kl. 14", "kl 14", "klokken 14",
                                  "14:00", "at 14", "2pm", "at 2 pm", "о 14", "об 14",
                                  "tirsdag kl 14", "tuesday at 2pm"])
def test_a_time_picked_by_its_day_or_hour_is_the_one_offered_then(flows, said: str) -> None:
    """A weekday or a whole hour picks the offered time on it, in da, en and uk, on every
    channel (the core reads it): "tirsdag", "kl. 14" and "14:00" were all refused."""
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, said, TODAY)
    assert turn.valid and turn.state.answers["slot"] == AT_1400_TUE, reply_text(turn.outputs)
    assert "I understood: Tuesday, 24 November 2026 at 14:00" in reply_text(turn.outputs)


@pytest.mark.parametrize(("today", "said"), [
    (dt.date(2026, 11, 24), "i dag"), (dt.date(2026, 11, 24), "today kl 14"),
    (dt.date(2026, 11, 24), "сьогодні"), (dt.date(2026, 11, 23), "i morgen"),
    (dt.date(2026, 11, 23), "tomorrow at 2pm"), (dt.date(2026, 11, 23), "завтра")])
def test_today_or_tomorrow_picks_the_offered_time_on_that_day(flows, today: dt.date,
                                                              said: str) -> None:
    # "i morgen" was refused: "please choose one of the numbers shown"
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, said, today)
    assert turn.valid and turn.state.answers["slot"] == AT_1400_TUE, reply_text(turn.outputs)


@pytest.mark.parametrize(("said", "day"), [("onsdag", "Wednesday"), ("wednesday", "Wednesday"),
                                           ("у середу", "Wednesday"),
                                           ("kl 10.30", "10:30")])
def test_a_day_with_several_offered_times_shows_only_those(flows, said: str, day: str) -> None:
    """Several offered times fit: none is guessed; only they are shown, under their numbers,
    and a number picks from all that were offered."""
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    offers = dict(PICK_BY_WORDS) if day != "10:30" else {
        "1": AT_1400_TUE, "2": AT_1030, "3": AT_1030_TOO, "4": "more", "more": AT_1115[:25]}
    turn.state.offers = dict(offers)
    turn = engine.answer(book, turn.state, said, TODAY)
    assert not turn.valid and "slot" not in turn.state.answers
    assert f"More than one of the times shown is {'at' if ':' in day else 'on'} {day}." \
        in reply_text(turn.outputs)
    [shown] = [o for o in turn.outputs if isinstance(o, Choices)]
    assert [c.key for c in shown.options] == ["2", "3"]
    assert [c.value for c in shown.options] == [offers["2"], offers["3"]]
    assert "Later times" not in reply_text(turn.outputs) and turn.state.offers == offers
    turn = engine.answer(book, turn.state, "3", TODAY)
    assert turn.valid and turn.state.answers["slot"] == offers["3"]


@pytest.mark.parametrize(("said", "error"), [
    ("kl 9", "None of the times shown is at 09:00."),
    ("tirsdag eller onsdag", "Please choose one of the numbers shown."),
    ("kl 14 eller kl 11", "Please choose one of the numbers shown."),
    ("ikke tirsdag", "Please choose one of the numbers shown."),
    ("I can't on Tuesday", "Please choose one of the numbers shown."),
    ("не у вівторок", "Please choose one of the numbers shown."),
])
def test_a_day_or_hour_no_offered_time_has_picks_nothing(flows, said: str, error: str) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, said, TODAY)
    assert not turn.valid and "slot" not in turn.state.answers
    assert error in reply_text(turn.outputs)


def slot_request(outputs):
    """The request for free times a turn ends with, if any."""
    return next((o for o in outputs if isinstance(o, SlotRequest)), None)


@pytest.mark.parametrize(("said", "day", "at"), [
    ("fredag", "2026-11-27", None), ("på fredag", "2026-11-27", None),
    ("Friday", "2026-11-27", None), ("у п'ятницю", "2026-11-27", None),
    ("п'ятниця", "2026-11-27", None),
    # Tuesday's time shown is 14.00: the free times that Tuesday near 10.30
    ("tirsdag kl 10.30", "2026-11-24", "10:30"), ("on Tuesday at 10:30", "2026-11-24", "10:30"),
    ("den 15. december", "2026-12-15", None), ("December 15th at 10", "2026-12-15", "10:00"),
    ("15 грудня", "2026-12-15", None), ("15.12", "2026-12-15", None),
    ("den 15.12.", "2026-12-15", None), ("15.12 kl 10", "2026-12-15", "10:00"),
    ("1/12", "2026-12-01", None),
])
def test_a_day_no_offered_time_is_on_shows_that_days_free_times(flows, said: str, day: str,
                                                                 at: str | None) -> None:
    """Found by testers: a day typed at the times ("fredag", "den 15. december", "15.12") only
    matched the times shown ("None of the times shown is on Friday"), so a later day could be
    reached only by "Later times". Now the free times of that day are asked for, and no
    failed try is counted."""
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, said, TODAY)
    assert turn.valid and "slot" not in turn.state.answers and turn.state.tries == 0
    request = slot_request(turn.outputs)
    assert request is not None, reply_text(turn.outputs)
    assert (request.days, request.at, request.after) == ((day, day), at, None)
    said = reply_text(turn.outputs)
    assert "!" not in said and "None of the times" not in said


@pytest.mark.parametrize("said", ["next week", "i næste uge", "næste uge", "наступного тижня",
                                  "на наступному тижні", "Show me next week please"])
def test_next_week_shows_the_free_times_of_the_coming_week(flows, said: str) -> None:
    """"next week" asked for later times ("next" was a word of "Later times"), not for the
    coming week: its free times, Monday to Sunday."""
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, said, TODAY)
    request = slot_request(turn.outputs)
    assert turn.valid and request is not None, reply_text(turn.outputs)
    assert (request.days, request.after) == (("2026-11-30", "2026-12-06"), None)


@pytest.mark.parametrize("said", ["tirsdag i næste uge", "Tuesday next week",
                                  "у вівторок наступного тижня"])
def test_a_weekday_of_next_week_is_that_day(flows, said: str) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    request = slot_request(engine.answer(book, turn.state, said, TODAY).outputs)
    assert request is not None and request.days == ("2026-12-01", "2026-12-01")


def test_a_time_shown_that_reads_as_a_date_is_the_time(flows) -> None:
    """"15.12" is a date, unless a time 15.12 is shown or it is said as a time ("kl 15.12")."""
    book = flows["book"]
    at_1512 = "2026-11-25T14:12:00+00:00|1|"  # Wednesday 15.12 in Copenhagen
    turn = walk(book, ["1", "1"])
    turn.state.offers = {"1": AT_1030, "2": at_1512, "3": "more", "more": at_1512[:25]}
    assert engine.answer(book, turn.state, "15.12", TODAY).state.answers["slot"] == at_1512
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, "kl 15.12", TODAY)
    assert not turn.valid and "None of the times shown is at 15:12." in reply_text(turn.outputs)


def test_a_day_chosen_from_the_days_offered_shows_its_times(flows) -> None:
    """The nearest days with free times (or the days a reply may mean) are offered by number;
    a number shows that day's times, a wrong one asks for a day again."""
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = {"1": engine.DAY_KEY + "2026-11-27", "2": engine.DAY_KEY + "2026-11-30"}
    wrong = engine.answer(book, turn.state, "3", TODAY)
    assert not wrong.valid and slot_request(wrong.outputs) is None
    assert "Choose a day, or write a date.\n1. Friday, 27 November 2026\n2. Monday, 30 " \
        "November 2026" in reply_text(wrong.outputs)
    turn = engine.answer(book, wrong.state, "2", TODAY)
    request = slot_request(turn.outputs)
    assert turn.valid and request is not None and request.days == ("2026-11-30", "2026-11-30")
    assert turn.state.offers == {}  # the conversation offers that day's times


MONDAY = dt.date(2026, 11, 23)


TUESDAYS = ("2026-11-24", "2026-12-01")


@pytest.mark.parametrize(("said", "days"), [
    ("next Tuesday", TUESDAYS), ("next tuesday at 2pm", TUESDAYS), ("næste tirsdag", TUESDAYS),
    ("på næste tirsdag tak", TUESDAYS), ("наступного вівторка", TUESDAYS),
    ("у наступну середу", ("2026-11-25", "2026-12-02")),
    ("next Sunday", ("2026-11-29", "2026-12-06")),
])
def test_next_weekday_within_six_days_asks_which_date(flows, said: str,
                                                      days: tuple[str, str]) -> None:
    """Found by testers: "next Tuesday" typed on a Monday took tomorrow's time shown, without
    asking. Within the coming six days "next Tuesday" may be tomorrow or the Tuesday after:
    the conversation is asked for both days' free times (it asks which of the days that have
    any is meant, "Do you mean ...?": test_booking.py), and no time is picked."""
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)  # Tuesday 24 November at 14.00 among them
    turn = engine.answer(book, turn.state, said, MONDAY)
    request = slot_request(turn.outputs)
    assert "slot" not in turn.state.answers and request is not None, reply_text(turn.outputs)
    assert (request.which, request.days) == (days, None)
    assert turn.state.offers == {}  # the conversation offers the days, or a day's times


@pytest.mark.parametrize(("said", "day"), [
    ("next Monday", "2026-11-30"), ("næste mandag", "2026-11-30"),
    ("наступного понеділка", "2026-11-30"),
    ("Thursday", "2026-11-26"), ("på torsdag", "2026-11-26"), ("у четвер", "2026-11-26")])
def test_next_weekday_a_week_ahead_or_a_plain_weekday_is_one_day(flows, said: str,
                                                                day: str) -> None:
    """"next Monday" on a Monday can only be in a week; a plain weekday is the next such
    day: neither is asked about."""
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, said, MONDAY)
    assert slot_request(turn.outputs).days == (day, day), reply_text(turn.outputs)


def test_a_plain_weekday_is_still_the_time_shown_on_it(flows) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    assert engine.answer(book, turn.state, "på tirsdag", MONDAY).state.answers["slot"] == \
        AT_1400_TUE


@pytest.mark.parametrize(("said", "first", "last"), [
    ("in two weeks", "2026-12-07", "2026-12-13"), ("in 3 weeks", "2026-12-14", "2026-12-20"),
    ("in a week", "2026-11-30", "2026-12-06"), ("two weeks from now", "2026-12-07", "2026-12-13"),
    ("om to uger", "2026-12-07", "2026-12-13"), ("om en uge", "2026-11-30", "2026-12-06"),
    ("om 2 ugers tid", "2026-12-07", "2026-12-13"),
    ("через тиждень", "2026-11-30", "2026-12-06"), ("через два тижні", "2026-12-07", "2026-12-13"),
    ("через 3 тижні", "2026-12-14", "2026-12-20"),
    ("week 1", "2027-01-04", "2027-01-10"), ("week 52", "2026-12-21", "2026-12-27"),
    ("uge 52", "2026-12-21", "2026-12-27"), ("i uge nr. 50", "2026-12-07", "2026-12-13"),
    ("тиждень 52", "2026-12-21", "2026-12-27"),
    ("week 48", "2026-11-24", "2026-11-29"),  # this week: from today
    ("Tuesday in two weeks", "2026-12-08", "2026-12-08"), ("tirsdag i uge 50", "2026-12-08",
                                                           "2026-12-08"),
    ("in 2 days", "2026-11-26", "2026-11-26"), ("om 3 dage", "2026-11-27", "2026-11-27"),
    ("14 dage fra i dag", "2026-12-08", "2026-12-08"), ("через 3 дні", "2026-11-27", "2026-11-27"),
    ("через п'ять днів", "2026-11-29", "2026-11-29"),
])
def test_a_span_of_time_or_a_weeks_number_shows_those_days(flows, said: str, first: str,
                                                           last: str) -> None:
    """Found by a tester: "in two weeks", "in 3 weeks" and "week 1" picked option 2, 3 and 1
    (the number was read as an option's), "om to uger", "через тиждень" and "uge 52" were
    refused. A span of time from today is the day or the week that far ahead, a week's number
    that week (this year's, or next year's when it has passed): its free times are asked for,
    as for "next week"."""
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, said, TODAY, "en")
    request = slot_request(turn.outputs)
    assert turn.valid and "slot" not in turn.state.answers, reply_text(turn.outputs)
    assert request is not None and request.days == (first, last), reply_text(turn.outputs)


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
@pytest.mark.parametrize("said", ["2 weeks", "2 uger", "2 тижні", "in 2 months", "2 days",
                                  "uge", "next week or in three weeks", "week 48 or week 49"])
def test_a_number_with_a_span_of_time_picks_no_time(flows, said: str, lang: str) -> None:
    """A number said with words of time that name no day or week read here is no option's
    number: nothing is picked unasked."""
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, said, TODAY, lang)
    assert not turn.valid and "slot" not in turn.state.answers, reply_text(turn.outputs)
    assert slot_request(turn.outputs) is None or slot_request(turn.outputs).days is None


def test_a_week_no_year_has_is_said_so(flows) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, "uge 60", TODAY, "da")
    assert not turn.valid and "slot" not in turn.state.answers
    assert "There is no week 60." in reply_text(turn.outputs)
    assert "Der er ingen uge 60." in reply_text(turn.outputs, "da")


@pytest.mark.parametrize(("said", "lang"), [
    ("2", "en"), ("nr 2", "da"), ("nr. 2", "da"), ("nummer 2", "da"), ("number 2", "en"),
    ("option 2", "en"), ("the 2nd one", "en"), ("the second one", "en"), ("2nd", "en"),
    ("I'll take 2", "en"), ("to", "da"), ("two", "en"), ("номер 2", "uk"), ("варіант 2", "uk"),
    ("два", "uk"), ("2 please", "en"), ("2 tak", "da")])
def test_a_number_said_as_a_choice_still_picks_that_time(flows, said: str, lang: str) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, said, TODAY, lang)
    assert turn.valid and turn.state.answers["slot"] == AT_1030, reply_text(turn.outputs)


@pytest.mark.parametrize(("said", "told"), [
    ("2 pm", "I understood: Tuesday, 24 November 2026 at 14:00"),
    ("kl 14", "I understood: Tuesday, 24 November 2026 at 14:00"),
    ("kl 2", "None of the times shown is at 02:00."),
    ("at 2", "None of the times shown is at 02:00.")])
def test_a_number_said_as_a_time_is_still_a_time(flows, said: str, told: str) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, said, TODAY, "en")
    assert told in reply_text(turn.outputs) and turn.state.answers.get("slot") != AT_1030


ON_8_DECEMBER = {str(n): f"2026-12-08T{t}:00+00:00|1|" for n, t in enumerate(
    ("08:00", "08:45", "09:30", "10:15", "11:00"), 1)}  # Tuesday 8 December, 09.00 to 12.00
ON_8_DECEMBER |= {"6": "more", "more": ON_8_DECEMBER["5"][:25]}
THURSDAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(("said", "error", "dansk"), [
    ("den 31. februar kl 10", "The date 31 February does not exist.",
     "Datoen 31. februar findes ikke."),
    ("31 лютого о 10", "The date 31 February does not exist.",
     "Datoen 31. februar findes ikke."),
    ("den 30/2 kl 10", "The date 30 February does not exist.",
     "Datoen 30. februar findes ikke."),
    ("i går kl 9", "That day has already passed (Wednesday, 2 December 2026).",
     "Den dag er allerede gået (onsdag den 2. december 2026)."),
    ("yesterday at 9", "That day has already passed (Wednesday, 2 December 2026).",
     "Den dag er allerede gået (onsdag den 2. december 2026)."),
    ("вчора о 9", "That day has already passed (Wednesday, 2 December 2026).",
     "Den dag er allerede gået (onsdag den 2. december 2026)."),
    ("8. december 2025 kl 9", "That day has already passed (Monday, 8 December 2025).",
     "Den dag er allerede gået (mandag den 8. december 2025)."),
])
def test_a_date_that_does_not_exist_or_has_passed_picks_nothing_whatever_the_hour(
        flows, said: str, error: str, dansk: str) -> None:
    """Found by a tester: with times on Tuesday 8 December shown, "den 31. februar kl 10"
    and "i går kl 9" picked Tuesday 8 December at that hour (the date was not read). A date
    that does not exist or has passed picks nothing; the reply says so and the times are
    shown again. (A later date shows its own times: see above.)"""
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(ON_8_DECEMBER)
    turn = engine.answer(book, turn.state, said, THURSDAY)
    assert not turn.valid and "slot" not in turn.state.answers, reply_text(turn.outputs)
    assert error in reply_text(turn.outputs) and dansk in reply_text(turn.outputs, "da")
    assert any(type(o).__name__ == "SlotRequest" for o in turn.outputs)  # shown again


@pytest.mark.parametrize(("said", "at"), [
    ("den 8. december kl 10.30", "3"), ("8 December at 9", "1"), ("8 грудня о 12", "5"),
    ("tirsdag den 8/12 kl 11.15", "4"), ("tirsdag den 8. december 2026 kl. 09.45", "2"),
    ("den 8.12.2026 kl 12", "5"), ("i overmorgen kl 9", "1")])
def test_a_date_some_offered_times_are_on_picks_among_them(flows, said: str, at: str) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(ON_8_DECEMBER)
    turn = engine.answer(book, turn.state, said, dt.date(2026, 12, 6))
    assert turn.valid and turn.state.answers["slot"] == ON_8_DECEMBER[at], reply_text(turn.outputs)


def test_a_date_in_ukrainian_is_said_back_in_ukrainian(flows) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(ON_8_DECEMBER)
    turn = engine.answer(book, turn.state, "31 лютого", THURSDAY)
    assert "Дати 31 лютого не існує." in reply_text(turn.outputs, "uk")
    turn = engine.answer(book, turn.state, "учора", THURSDAY)
    assert "Цей день уже минув (середа, 2 грудня 2026\u202fр.)." in reply_text(turn.outputs, "uk")


def test_a_whole_hour_is_the_time_at_it_then_the_only_one_in_it(flows) -> None:
    """"kl 12" with 12.00 and 12.45 offered is 12.00; with 12.15 and 12.45 neither is
    guessed: both are shown."""
    book = flows["book"]
    at = {m: f"2026-11-24T11:{m:02d}:00+00:00|1|" for m in (0, 15, 45)}  # 12.xx in Copenhagen
    turn = walk(book, ["1", "1"])
    turn.state.offers = {"1": at[0], "2": at[45], "3": "more", "more": at[45][:25]}
    assert engine.answer(book, turn.state, "kl 12", TODAY).state.answers["slot"] == at[0]
    turn = walk(book, ["1", "1"])
    turn.state.offers = {"1": at[15], "2": at[45], "3": "more", "more": at[45][:25]}
    turn = engine.answer(book, turn.state, "kl 12", TODAY)
    assert not turn.valid and "That fits more than one answer." in reply_text(turn.outputs)
    assert [c.key for o in turn.outputs if isinstance(o, Choices) for c in o.options] == \
        ["1", "2"]
    assert turn.state.tries == 0  # narrowed down, not a failed try


def test_a_day_is_named_in_each_language(flows) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    turn.state.offers = dict(PICK_BY_WORDS)
    turn = engine.answer(book, turn.state, "onsdag", TODAY)
    assert "Flere af de viste tider er på onsdag." in reply_text(turn.outputs, "da")
    assert "Серед показаних є кілька варіантів на середу." in reply_text(turn.outputs, "uk")


def test_a_time_two_offered_times_have_or_none_has_asks_for_a_number(flows) -> None:
    book = flows["book"]
    turn = walk(book, ["1", "1"])
    offers = {"1": AT_1030, "2": AT_1030_TOO, "3": AT_1115, "4": "more",
              "more": AT_1115[:25]}
    turn.state.offers = dict(offers)
    twice = engine.answer(book, turn.state, "kl 10.30", TODAY)
    assert not twice.valid and "slot" not in twice.state.answers
    assert "More than one of the times shown is at 10:30" in reply_text(twice.outputs)
    twice.state.offers = dict(offers)
    none = engine.answer(book, twice.state, "9.00", TODAY)
    assert not none.valid and "None of the times shown is at 09:00" in reply_text(none.outputs)


GUIDE = """id: guide
title: {{da: G, en: G, uk: Г}}
description: {{da: d, en: d, uk: d}}
meeting_type: {meeting_type}
steps:
  - id: channel
    use: {use}
    next: done
  - id: done
    kind: message
    text: {{da: Tak, en: Thanks, uk: Дякуємо}}
"""


def test_a_guide_asks_book_s_how_question_with_the_ways_its_meeting_type_allows(
        tmp_path: Path) -> None:
    """`use: book` asks the very question of flows/book.yaml: a repatriation guide offers no
    video, as "Book a meeting" does not for that meeting type."""
    (tmp_path / "book.yaml").write_text(
        (Path(__file__).parents[1] / "flows" / "book.yaml").read_text(encoding="utf-8"),
        encoding="utf-8")
    for meeting_type, ways in (("repatriation", ["in_person", "phone"]),
                               ("upskilling", ["in_person", "phone", "video"])):
        (tmp_path / "guide.yaml").write_text(GUIDE.format(meeting_type=meeting_type, use="book"),
                                             encoding="utf-8")
        step = load_flows(tmp_path)["guide"].steps["channel"]
        assert [o.value for o in step.options] == ways
        assert step.text["en"] == "How would you like to meet?"
        assert step.next[0].goto == "done" and step.depends_on == ()
    (tmp_path / "guide.yaml").write_text(GUIDE.format(meeting_type="upskilling", use="nobook"),
                                         encoding="utf-8")
    with pytest.raises(ContentError, match="'use' names unknown flow 'nobook'"):
        load_flows(tmp_path)
