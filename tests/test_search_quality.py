"""Search quality, as a user notices it.

Two labelled sets (assistant/knowledge/quality.py says how a result is judged):
- the project's own questions (tests/data/questions), written with the entries open: hit@3 of
  at least 90% in each language, and their out-of-scope questions get "none";
- the blind sets (tests/data/blind), written by people who saw only the source documents and
  the facts file. Only the dev questions are asserted on here (the dev halves of the first and
  seventh sets and all of sets 2-6), with the figures the search was tuned to on them; the test
  halves are measured by bench/search.py and nowhere asserted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

from assistant.knowledge import quality as Q
from assistant.knowledge.base import KnowledgeBase
from assistant.knowledge.passages import load_passages
from assistant.outputs import Say
from assistant.paths import data_dir

DATA = Path(__file__).parent / "data"
BLIND = DATA / "blind" / "blind_questions.yaml"
BLIND2 = DATA / "blind" / "blind_questions_2.yaml"
BLIND3 = DATA / "blind" / "blind_questions_3.yaml"
"""The second and third blind sets: all of them is dev (the third asks mostly as citizens)."""
LATER = [DATA / "blind" / f"blind_questions_{n}.yaml" for n in ("4a", "4b", "5", "6")]
"""Sets 4-6, written fact by fact (6 and most of 5 in English): all dev."""
BLIND7 = DATA / "blind" / "blind_questions_7.yaml"
"""Set 7 (mostly English), split dev/test like the first set."""
BLIND8 = DATA / "blind" / "blind_questions_8.yaml"
BLIND9 = DATA / "blind" / "blind_questions_9.yaml"
BLIND10 = DATA / "blind" / "blind_questions_10.yaml"
"""Set 10 (English and Ukrainian first, every section of the sources), split like the first."""
"""Set 9 (out-of-scope probes first, many asking a detail no source gives about a subject they
cover), split like the first."""
"""Set 8 (Ukrainian and Danish citizens first), split dev/test like the first set."""
BLIND11 = DATA / "blind" / "blind_questions_11.yaml"
BLIND12 = DATA / "blind" / "blind_questions_12.yaml"
"""Sets 11 (English and Ukrainian first) and 12 (Ukrainian and Danish personas), split like the
first."""
BLIND13 = DATA / "blind" / "blind_questions_13.yaml"
BLIND14 = DATA / "blind" / "blind_questions_14.yaml"
"""Sets 13 (details further down a section) and 14 (kiosk and phone style), split like the
first."""
BLIND17 = DATA / "blind" / "blind_questions_17.yaml"
"""Set 17 (a later session: conditions further into each section, all sources), split like the
first."""
BLIND18 = DATA / "blind" / "blind_questions_18.yaml"
"""Set 18 (a later session: "an ordinary day" at the desk and the kiosk, all sources), split
like the first."""
BLIND19 = DATA / "blind" / "blind_questions_19.yaml"
"""Set 19 (a later session: people in a hurry or upset, all sources), split like the first."""
BLIND20 = DATA / "blind" / "blind_questions_20.yaml"
"""Set 20 (a later session: people asking for someone else, staff preparing a case), split like
the first."""
SPLIT_LATER = [BLIND7, BLIND8, BLIND9, BLIND10, BLIND11, BLIND12, BLIND13, BLIND14, BLIND17,
               BLIND18, BLIND19, BLIND20]
HELD15 = DATA / "blind" / "blind_questions_15.yaml"
HELD16 = DATA / "blind" / "blind_questions_16.yaml"
"""Sets 15 and 16, held out whole: only their facts are checked here; bench/search.py measures
them."""
TODAY = dt.date(2026, 11, 24)
SOURCES = data_dir("knowledge") / "_sources"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(today=lambda: TODAY)


def asker(kb: KnowledgeBase, audience: str | None = None) -> Q.Ask:
    def ask(question: Q.Question) -> tuple[str, list[Q.Shown]]:
        result = kb.search(question.q, audience=audience or question.audience, top=3)
        shown = []
        for hit in result.hits:
            record = kb.record(hit, question.lang)
            shown.append(Q.Shown(hit.id, hit.kind, str(record["title"]), str(record["text"])))
        return result.outcome, shown
    return ask


def misses(verdicts: list[Q.Verdict]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(v.question.id, v.question.q, v.outcome, v.ids) for v in verdicts
            if (v.question.in_scope and not v.hit3) or v.confidently_wrong
            or (not v.question.in_scope and v.outcome != "none")]


# -- the project's own questions ----------------------------------------------------------------

def test_the_project_set_is_big_enough_and_points_at_real_entries(kb: KnowledgeBase) -> None:
    items = Q.load_project(DATA / "questions")
    langs = Counter(q.lang for q in items)
    assert all(q.expect is None or q.expect in kb.entries for q in items)
    assert len(items) >= 60 and all(langs[lang] >= 20 for lang in ("da", "en", "uk")), langs
    assert sum(not q.in_scope for q in items) >= 9


def test_project_set_hit_at_3_is_at_least_90_percent_in_each_language(kb: KnowledgeBase) -> None:
    verdicts = Q.run([q for q in Q.load_project(DATA / "questions") if q.in_scope], asker(kb))
    for lang, figures in Q.breakdown(verdicts).items():
        assert figures.hit3 >= 0.9, f"{lang}: hit@3 {figures.hit3:.2f}; {misses(verdicts)}"


@pytest.mark.parametrize("audience", ["citizen", "staff"])
def test_out_of_scope_questions_get_none(kb: KnowledgeBase, audience: str) -> None:
    probes = [q for q in Q.load_project(DATA / "questions") if not q.in_scope]
    verdicts = Q.run(probes, asker(kb, audience))
    assert not misses(verdicts)


# -- the blind set --------------------------------------------------------------------------

@pytest.mark.parametrize("path", [BLIND, BLIND2, BLIND3], ids=["first", "second", "third"])
def test_the_blind_set_is_whole_and_its_facts_match_their_sources(path: Path) -> None:
    questions = Q.load_blind(path)
    scoped = Counter(q.lang for q in questions if q.in_scope)
    assert len(scoped) == 3 and all(n >= 50 for n in scoped.values()), scoped
    assert sum(not q.in_scope for q in questions) >= 24
    _facts_match_their_sources(path)


@pytest.mark.parametrize("path", [*LATER, *SPLIT_LATER, HELD15, HELD16],
                         ids=[p.stem for p in [*LATER, *SPLIT_LATER, HELD15, HELD16]])
def test_a_later_blind_sets_facts_match_their_sources(path: Path) -> None:
    assert len(Q.load_blind(path)) >= 100
    _facts_match_their_sources(path)


def _facts_match_their_sources(path: Path) -> None:
    import yaml

    questions = Q.load_blind(path)
    assert len({q.id for q in questions}) == len(questions)
    for item in yaml.safe_load(path.read_text(encoding="utf-8")):
        if item["fact"] is None:
            continue
        file, lines = item["source"].rsplit(":", 1)
        start, _, end = lines.partition("-")
        text = (SOURCES / file).read_text(encoding="utf-8").split("\n")
        cited = "\n".join(text[int(start) - 1:int(end or start)])
        assert re.search(item["fact"], cited, re.IGNORECASE), item["id"]


def test_the_blind_split_is_half_and_half_in_every_language_and_stays_put() -> None:
    questions = Q.load_blind(BLIND)
    dev, test = Q.split(questions)
    assert not {q.id for q in dev} & {q.id for q in test}
    assert len(dev) + len(test) == len(questions)
    for key in {(q.lang, q.audience, q.in_scope) for q in questions}:
        a = sum((q.lang, q.audience, q.in_scope) == key for q in dev)
        b = sum((q.lang, q.audience, q.in_scope) == key for q in test)
        assert a - b in (0, 1), key
    assert Q.split(list(reversed(questions))) == (dev, test)


LATER_REPEATS = {"da-c-1010", "uk-oos-1005", "en-oos-1008", "da-s-2104", "da-oos-3173", "uk-c-4069",
                 "uk-oos-4119", "da-s-6136", "da-oos-6145", "uk-c-6058", "uk-oos-6098",
                 "uk-oos-7028", "uk-c-8102", "en-s-9053", "en-s-9567", "da-s-9828", "da-s-9839",
                 "en-c-9860", "en-s-9874", "en-oos-9939", "uk-oos-9941", "da-c-9961",
                 "da-s-9977", "uk-c-10035", "en-s-10177"}


def test_the_blind_sets_share_no_question() -> None:
    sets = [Q.load_blind(path) for path in (BLIND, BLIND2, BLIND3, *LATER, *SPLIT_LATER,
                                            HELD15, HELD16)]
    ids = [q.id for questions in sets for q in questions]
    # the eighth to twentieth sets repeat twenty-five earlier questions word for word (their
    # headers say why they stay): they count once
    texts = [q.q.casefold() for questions in sets for q in questions
             if q.id not in LATER_REPEATS]
    assert len(set(ids)) == len(ids) and len(set(texts)) == len(texts)


@pytest.fixture(scope="module")
def dev_verdicts(kb: KnowledgeBase) -> list[Q.Verdict]:
    dev, _test = Q.split(Q.load_blind(BLIND))
    later = [q for path in LATER for q in Q.load_blind(path)]
    later_dev = [q for path in SPLIT_LATER for q in Q.split(Q.load_blind(path))[0]]
    return Q.run(dev + Q.load_blind(BLIND2) + Q.load_blind(BLIND3) + later + later_dev,
                 asker(kb))


# What the search reaches on the blind dev half (tuned there; bench/search.py prints all
# figures, the test half's among them). A change that loses ground on dev fails here.
DEV_HIT3 = {"da": 0.97, "en": 0.97, "uk": 0.97}


@pytest.mark.parametrize("lang", sorted(DEV_HIT3))
def test_blind_dev_hit_at_3(dev_verdicts: list[Q.Verdict], lang: str) -> None:
    figures = Q.breakdown(dev_verdicts)[lang]
    assert figures.hit3 >= DEV_HIT3[lang], (figures, misses(dev_verdicts))


def test_blind_dev_is_rarely_confidently_wrong(dev_verdicts: list[Q.Verdict]) -> None:
    figures = Q.figures(dev_verdicts)
    wrong = [v.question.id for v in dev_verdicts if v.confidently_wrong]
    assert figures.wrong <= 0.02, wrong


# The second set's probes ask about benefit amounts and neighbouring public services
# (housing benefit, tax, driving licences): harder than the first set's. The seventh's dev half
# asks about deposits, SU, the appeals board, caseloads and offices' addresses. The eighth's
# about figures no plan gives (how many got repatriation support in 2024, caseworkers in a unit),
# MitID, permanent residence and a Danish pension abroad: those still get suggestions. The
# ninth's mostly ask a detail of a subject the sources cover (a rate from 2025, a count for a
# year no plan gives, an interpreter's fee): they get the subject's entries, not none.
DEV_ABSTAIN = {BLIND: 0.95, BLIND2: 1.0, BLIND3: 1.0, BLIND7: 1.0, BLIND8: 0.6, BLIND9: 0.4}


@pytest.mark.parametrize("path", sorted(DEV_ABSTAIN),
                         ids=["first", "second", "third", "seventh", "eighth", "ninth"])
def test_blind_dev_out_of_scope_gets_none(dev_verdicts: list[Q.Verdict], path: Path) -> None:
    mine = {q.id for q in Q.load_blind(path)}
    probes = [v for v in dev_verdicts if v.question.id in mine]
    count, share = Q.abstention(probes)
    assert count >= 15 and share >= DEV_ABSTAIN[path], misses(probes)


@pytest.mark.parametrize(("question", "lang"), [
    # each shares words with entries ("enlig", "barn"; "jobcentre", "pay"; "роботу")
    ("hvor meget er boligstøtte for en enlig med et barn", "da"),
    ("hvor meget faar man i boligstotte som enlig", "da"),  # typed without ø
    ("does the jobcentre pay for a driving licence?", "en"),
    ("як отримати податкове відрахування за дорогу на роботу в Данії?", "uk"),
    # state pension, a business of one's own, an advance: reintegration support is
    # "pension-like" and names Denmark's pension age; entries on dagpenge share the other words
    ("hvornår kan jeg få folkepension", "da"),
    ("what is the pension age in Denmark?", "en"),
    ("kan jeg beholde mine dagpenge hvis jeg starter egen virksomhed", "da"),
    ("чи можу я отримувати dagpenge, якщо відкрию власний бізнес?", "uk"),
    ("can I get an advance payment on my dagpenge?", "en"),
    ("Як визнати мій український диплом інженера в Данії?", "uk"),
    # deposits, the appeals board, pets: entries share the other words ("kommunen", "pay",
    # "рішення", "samtale", "interview", "джобцентр")
    ("Skal jeg betale depositum til min nye lejlighed, og kan kommunen hjælpe?", "da"),
    ("can the jobcentre help me pay the deposit on a flat?", "en"),
    ("Як подати скаргу до Ankestyrelsen на рішення комуни?", "uk"),
    ("Kan jeg tage min hund med til samtalen på jobcentret?", "da"),
    ("can I bring my pet to the first interview?", "en"),
    ("Чи можна прийти на зустріч у джобцентр із собакою?", "uk"),
    # a new doctor, school and daycare places, visas, income tax, travel cards, SU: entries
    # share "flytte", "barn", "mor", "løn", "kommune", "study"
    ("kan jobcentret hjælpe mig med at skifte læge når jeg flytter?", "da"),
    ("hvornår skal mit barn skrives ind i folkeskolen?", "da"),
    ("how do I get a daycare place for my son?", "en"),
    ("чи потрібна віза моїй мамі, щоб приїхати до мене?", "uk"),
    ("how much income tax do I pay on a voksenlærling salary?", "en"),
    ("får jeg rejsekort betalt af kommunen?", "da"),
    ("Чи можу я отримувати SU, якщо піду вчитися?", "uk"),
    # other municipal services: "kommunen", "Slagelse" are the entries' words too
    ("kan kommunen give mig byggetilladelse til en carport?", "da"),
    ("where can I get a library card in Slagelse?", "en"),
    # tax on a benefit: entries on the benefit share "dagpenge", "kontanthjælp"
    ("skal jeg betale skat af mine dagpenge?", "da"),
    ("Do I have to pay tax on my unemployment benefits?", "en"),
    ("Чи треба платити податок з kontanthjælp?", "uk"),
])
def test_a_subject_no_source_covers_gets_no_entry(kb: KnowledgeBase, question: str,
                                                  lang: str) -> None:
    assert kb.search(question, audience="citizen").outcome == "none"


@pytest.mark.parametrize(("question", "entry"), [
    ("Hvordan kommer jeg i gang med danskuddannelse på sprogcentret?", "sprogcenter"),
    ("can I appeal if my extension under the special act is refused?", "saerloven_afslag"),
    # the interpreter fee after 3 years is the health service's (a doctor's), which the
    # facts file says; "a new doctor" is outside, a doctor is not
    ("do I have to pay for the interpreter at my doctor?", "tolk"),
    ("Skal jeg betale for tolk hos lægen?", "tolk"),
])
def test_questions_near_those_subjects_that_the_sources_answer_still_get_their_entry(
        kb: KnowledgeBase, question: str, entry: str) -> None:
    result = kb.search(question, audience="citizen")
    assert result.outcome != "none" and entry in [h.id for h in result.hits]


def test_staff_asking_about_caseloads_get_no_paragraph_that_only_shares_other_words(
        kb: KnowledgeBase) -> None:
    # no source gives caseloads; the plans' paragraphs on sygedagpenge cases share "sager"
    question = "hvor mange sager må en sagsbehandler have i sin sagsstamme i Slagelse?"
    assert kb.search(question, audience="staff").outcome == "none"


def test_staff_still_get_a_plans_paragraph_that_names_an_outside_subject(
        kb: KnowledgeBase) -> None:
    # the state pension age is outside the sources for citizens, but Slagelse's plan names it
    question = "hvad betyder hævelsen af pensionsalderen for førtidspension i Slagelse?"
    hits = kb.search(question, audience="staff").hits
    assert "seeds/001_f109d0051abe7456.txt:427-434" in [h.id for h in hits]


@pytest.mark.parametrize(("question", "missing"), [
    ("hvor meget får man i kontanthjælp om måneden", "amount"),
    ("what is the rate of sickness benefit (sygedagpenge) per week?", "amount"),
    ("скільки становить допомога по безробіттю на місяць?", "amount"),
    ("how much does the language school cost?", "amount"),
    ("hvor meget koster a-kassen om måneden", "amount"),
    ("скільки грошей потрібно для возз'єднання сім'ї?", "amount"),
    ("hvor meget får man i SU om måneden", "amount"),
    ("how much is the student grant (SU) for someone living at home?", "amount"),
    # a benefit in general: the sources give amounts only for a few schemes (repatriation,
    # reintegration support), and the question names none of them
    ("hvor meget er ydelsen om måneden for en ukrainer?", "amount"),
    ("how much benefit does a Ukrainian family get per month?", "amount"),
    ("скільки становить допомога на місяць для українця?", "amount"),
    # with slips or without æ/ø/å: the subject and the words that ask for the amount are read
    # as the rest of the search reads words (otherwise courses and flexjob were suggested)
    ("hvor mange peng far jeg pa dagpenge", "amount"),  # "penge", "får", "på"
    ("hvor meget far man i sygedagpnge", "amount"),
    ("how mutch is the sickness benifit", "amount"),
    ("how much is the unemployment benefitt", "amount"),
    ("скільки коштує мовна шкла?", "amount"),
    # a word that only stresses stands between the asking words ("скільки саме грошей")
    ("скільки саме грошей я отримаю на kontanthjælp?", "amount"),
    ("скільки точно коштує мовна школа?", "amount"),
    # money with no subject: the repatriation rates are not what the citizen asks about
    ("hvor mange penge får jeg?", "amount"),
    ("how much money will I get?", "amount"),
    ("скільки грошей я буду отримувати?", "amount"),
    ("hvad er adressen på jobcentret i Slagelse", "contact"),
    ("what is the phone number of the jobcentre", "contact"),
    ("який номер телефону центру зайнятості в Лейре?", "contact"),
])
def test_a_detail_no_source_gives_gets_no_entry(kb: KnowledgeBase, question: str,
                                                 missing: str) -> None:
    # the sources name these benefits and offices but give no amount or contact details:
    # the other benefits' rates (repatriation) or the Immigration Service's phone number
    # would be wrong answers
    result = kb.search(question, audience="citizen")
    assert (result.outcome, result.missing) == ("none", missing)


@pytest.mark.parametrize(("question", "lang"), [
    ("kan jeg få dagpenge i udlandet?", "da"),
    ("can I travel abroad while on unemployment benefit?", "en"),
    ("чи можна отримувати допомогу по безробіттю за кордоном?", "uk"),
])
def test_dagpenge_abroad_gets_none(kb: KnowledgeBase, question: str, lang: str) -> None:
    # no source says whether dagpenge can be kept abroad (only the exploratory trip before
    # repatriating); særloven's lapse, the a-kasse duties or reintegration would be wrong
    result = kb.search(question, audience="citizen")
    assert result.outcome == "none" and not result.hits


def test_keeping_dagpenge_on_an_exploratory_trip_home_is_still_found(kb: KnowledgeBase) -> None:
    question = "kan jeg beholde mine dagpenge, hvis jeg rejser til mit hjemland og ser mig om?"
    hits = [h.id for h in kb.search(question, audience="citizen").hits]
    assert "rekognosceringsrejse" in hits


@pytest.mark.parametrize(("question", "entry"), [
    ("how much money do I get for repatriation", "repatriering_satser"),
    ("Roughly how much is the start-up money per grown-up when you repatriate?",
     "repatriering_satser"),
])
def test_how_much_money_for_a_scheme_with_amounts_is_still_answered(
        kb: KnowledgeBase, question: str, entry: str) -> None:
    result = kb.search(question, audience="citizen")
    assert result.outcome != "none" and entry in [h.id for h in result.hits]


@pytest.mark.parametrize(("question", "entry"), [
    ("hvor stor er ydelsen om måneden, hvis jeg rejser hjem til Irak?",
     "reintegrationsbistand_beloeb"),
    ("how much is the monthly benefit if I return home to Iraq?", "reintegrationsbistand_beloeb"),
    ("скільки допомоги на репатріацію отримує дорослий?", "repatriering_satser"),
])
def test_how_much_a_benefit_is_that_names_a_scheme_with_amounts_is_still_answered(
        kb: KnowledgeBase, question: str, entry: str) -> None:
    result = kb.search(question, audience="citizen")
    assert result.outcome != "none" and entry in [h.id for h in result.hits]


@pytest.mark.parametrize(("question", "lang"), [
    ("hvad er telefonnummeret til jobcentret i Lejre?", "da"),
    ("what is the address of the language centre in Slagelse?", "en"),
    ("яка адреса і номер телефону мовного центру в Слагельсе?", "uk"),
])
def test_staff_asking_for_an_offices_contact_details_get_none(kb: KnowledgeBase, question: str,
                                                              lang: str) -> None:
    # no source gives them to staff either: the language centre's entry and the plans'
    # paragraphs that name it (or "telefon") have no phone number or address
    result = kb.search(question, audience="staff")
    assert (result.outcome, result.missing) == ("none", "contact")


def test_staff_still_get_a_phone_number_an_entry_gives_and_paragraphs_on_phone_meetings(
        kb: KnowledgeBase) -> None:
    result = kb.search("what is the phone number of the immigration service", audience="staff")
    assert result.hits[0].id == "udlaendingestyrelsen"
    question = "opfølgningssamtaler via telefon og videomøder i sygedagpengesager i Slagelse"
    hits = [h.id for h in kb.search(question, audience="staff").hits]
    assert "seeds/001_f109d0051abe7456.txt:1254-1261" in hits


@pytest.mark.parametrize(("question", "entry"), [
    ("hvor meget er reintegrationsbistand om måneden til irak", "reintegrationsbistand_beloeb"),
    ("hvor meget får man i dagpenge under uddannelsesløft", "uddannelsesloeft"),  # 110 %
    ("how much is the establishment support for repatriation per adult", "repatriering_satser"),
    ("скільки коштує курс AMU?", "opkvalificering_som_ledig"),  # DKK 1,040 a week
    ("what is the phone number of the immigration service", "udlaendingestyrelsen"),
])
def test_a_detail_an_entry_gives_is_still_answered(kb: KnowledgeBase, question: str,
                                                   entry: str) -> None:
    result = kb.search(question, audience="citizen")
    assert result.outcome != "none" and result.hits[0].id == entry


def test_staff_asking_a_plans_figure_about_a_benefit_still_get_the_entry(
        kb: KnowledgeBase) -> None:
    question = "how many extra FTEs did proposal 1 suggest for dagpenge, and at what cost?"
    hits = kb.search(question, audience="staff").hits
    assert "mploy_dagpenge_forslag" in [h.id for h in hits]


def test_the_assistant_says_it_does_not_have_the_amounts(kb: KnowledgeBase) -> None:
    said = kb.answer("hvor meget får man i kontanthjælp om måneden", "da")
    assert len(said) == 1 and isinstance(said[0], Say) and said[0].tone == "notice"
    assert said[0].text["en"].startswith("Sorry, I do not have the amounts for that.")
    assert "beløbene" in said[0].text["da"] and "суми" in said[0].text["uk"]
    assert "staff" in said[0].text["en"]


@pytest.mark.parametrize(("question", "audience"), [
    # the plans give counts and targets for the years they cover: a count of another year is
    # not in them, and last plan's figure would be a wrong answer
    ("Hvor mange borgere i Slagelse fik repatrieringsstøtte i 2024?", "citizen"),
    ("What was the unemployment rate in Slagelse in 2025?", "citizen"),
    ("Hvor mange borgere rejste hjem med repatriering fra Lejre Kommune i 2019?", "staff"),
    ("Hvad er Slagelses måltal for antal voksenlærlinge i 2025 og 2026?", "staff"),
    # a period asked about is all its years, however it is written ("2023-25" read as 2023
    # alone, and got an older plan's figures, while "2023-2025" got none)
    ("hvor mange voksenlærlinge startede i 2023-25", "staff"),
    ("hvor mange voksenlærlinge startede i 2023-2025", "staff"),
])
def test_a_figure_of_a_year_no_source_speaks_of_gets_none(kb: KnowledgeBase, question: str,
                                                         audience: str) -> None:
    result = kb.search(question, audience=audience)
    assert (result.outcome, result.missing, result.hits) == ("none", "year", ())


@pytest.mark.parametrize(("question", "audience", "entry"), [
    # ... while a year the entry names, or one its plan period spans ("2023-24"), is found
    ("How many Ukrainians in Slagelse had a job in 2022?", "citizen", "ukrainere_slagelse"),
    ("Hvad er Slagelses mål for andelen af ledige i opkvalificering i 2024?", "staff",
     "slagelse_maal_2023"),
])
def test_a_figure_of_a_year_the_entry_speaks_of_is_found(kb: KnowledgeBase, question: str,
                                                        audience: str, entry: str) -> None:
    result = kb.search(question, audience=audience)
    assert result.hits and result.hits[0].id == entry


def test_the_assistant_says_it_does_not_have_the_figures_of_that_year(
        kb: KnowledgeBase) -> None:
    said = kb.answer("hvor mange fik repatrieringsstøtte i Slagelse i 2024?", "da")
    assert len(said) == 1 and isinstance(said[0], Say) and said[0].tone == "notice"
    assert said[0].text["en"].startswith("Sorry, I do not have the figures for that year.")
    assert "det år" in said[0].text["da"] and "рік" in said[0].text["uk"]


@pytest.mark.parametrize("question", ["skal jeg selv betale tolk til mode paa jobcentret",
                                      "hvor mange job skal man soge om ugen paa dagpenge"])
def test_danish_typed_without_ae_oe_aa_is_read(kb: KnowledgeBase, question: str) -> None:
    index = kb.index
    assert all(slot.terms for slot in index.slots(question)), [
        slot.word for slot in index.slots(question) if not slot.terms]



@pytest.mark.parametrize(("typed", "written"), [
    # "hjalp" is a word of its own (helped), but typed in a question it is "hjælp" (help),
    # and "hjælp til uddannelse" names the upskilling guide; before, "hjalp" was read as the
    # verb and the youth entries came first
    ("kan jeg fa hjalp til uddannelse", "kan jeg få hjælp til uddannelse"),
    ("skal jeg selv betale tolk til mode paa jobcentret",
     "skal jeg selv betale tolk til møde på jobcentret"),
    ("jeg er 22 og pa uddannelseshjaelp i slagelse, har kommunen smajob til unge som mig?",
     "jeg er 22 og på uddannelseshjælp i slagelse, har kommunen småjob til unge som mig?"),
])
def test_danish_typed_without_ae_oe_aa_finds_what_it_finds_written_out(
        kb: KnowledgeBase, typed: str, written: str) -> None:
    as_typed, as_written = kb.search(typed), kb.search(written)
    assert as_typed.outcome == as_written.outcome
    assert [h.id for h in as_typed.hits] == [h.id for h in as_written.hits]


@pytest.mark.parametrize("question", [
    # the facts file: "Not found: whether Ukrainians under the special act are covered by the
    # repatriation law ... do not answer it from this file" (knowledge/_glossary/unknown.yaml);
    # the repatriation entries would read as a yes
    "Jeg er ukrainer på særloven. Kan jeg få repatrieringsstøtte, hvis jeg flytter hjem?",
    "Can Ukrainians under the special act get repatriation support to go back?",
    "чи можу я як українка за særloven отримати допомогу на репатріацію?",
])
def test_a_question_the_sources_say_they_do_not_answer_gets_none(kb: KnowledgeBase,
                                                                 question: str) -> None:
    result = kb.search(question, audience="citizen")
    assert (result.outcome, result.hits) == ("none", ())
    # staff get no entry either, only the sources' paragraphs that name both subjects, if any
    staff = kb.search(question, audience="staff")
    assert all(hit.kind == "passage" for hit in staff.hits)


@pytest.mark.parametrize(("question", "entry"), [
    # ... while each subject alone is answered as before
    ("Hvem kan få repatrieringsstøtte?", "repatriering_betingelser"),
    ("Hvornår udløber min opholdstilladelse efter særloven?", "saerloven_udloeb"),
])
def test_one_subject_of_an_unknown_question_is_still_answered(kb: KnowledgeBase, question: str,
                                                              entry: str) -> None:
    assert entry in [hit.id for hit in kb.search(question, audience="citizen").hits]


def test_a_year_an_entry_names_only_as_the_end_of_a_period_is_not_answered_surely(
        kb: KnowledgeBase) -> None:
    # the rates entry has the 2022 table and says no table for 2024-2026 was found: asked for
    # 2026 it is a suggestion (read it and see), not the answer; asked for 2022 it is
    asked = "hvor meget er etableringshjælpen ved repatriering pr voksen i {}"
    later, named = kb.search(asked.format(2026)), kb.search(asked.format(2022))
    assert later.outcome == "suggest" and later.hits[0].id == "repatriering_satser"
    assert (named.outcome, [h.id for h in named.hits]) == ("answer", ["repatriering_satser"])

# -- source passages ----------------------------------------------------------------------

PLAN_FIGURE_QUESTION = ("hvor mange fuldtidspersoner på offentlig forsørgelse ville Slagelse have "
                        "i 2020, hvis Finansministeriets forventning blev realiseret")
"""A figure of a plan (mploy's service check: the Ministry of Finance's scenario) no entry holds."""


def test_passages_cover_the_sources_once_each_with_their_own_line_range() -> None:
    passages = load_passages(SOURCES)
    by_file = defaultdict(list)
    for p in passages:
        assert p.id == f"{p.file}:{p.start}-{p.end}" and p.start <= p.end
        by_file[p.file].append(p)
    assert set(by_file) == {str(f.relative_to(SOURCES)) for f in SOURCES.rglob("*.*")
                            if f.suffix in (".txt", ".md")}
    for file, found in by_file.items():
        lines = (SOURCES / file).read_text(encoding="utf-8").split("\n")
        for before, after in pairwise(found):
            assert before.end < after.start, (before.id, after.id)
        for p in found:
            assert not re.search("[\ue000-\uf8ff]", p.text), "PDF bullet glyphs are bullets"
            # the passage's words are the words of its lines (hyphenation joined)
            first = re.findall(r"\w+", lines[p.start - 1])[:1]
            assert not first or first[0] in p.text, p.id


def test_a_staff_search_for_a_plan_figure_no_entry_holds_returns_its_passage(
        kb: KnowledgeBase) -> None:
    question = PLAN_FIGURE_QUESTION
    assert not any("10.918" in e.body[lang] for e in kb.entries.values() for lang in e.body)
    result = kb.search(question, audience="staff", top=3)
    passages = [h for h in result.hits if h.kind == "passage"]
    assert result.outcome == "suggest" and passages
    assert any("10.918" in h.passage.text for h in passages if h.passage)
    kinds = [h.kind for h in result.hits]
    assert kinds == sorted(kinds, key=lambda k: k != "entry"), "entries come first"
    record = kb.record(passages[0], "en")
    assert record["kind"] == "passage" and record["sources"][0]["ref"] == passages[0].id
    assert re.fullmatch(r"seeds/001_\w+\.txt:\d+-\d+", passages[0].id)


async def test_the_staff_knowledge_tab_shows_passages_marked_as_such(content, store) -> None:
    from textual.widgets import Input

    from assistant.channels.tui.staff import StaffApp
    from assistant.staff import add_staff

    from .conftest import NOW
    from .pilot import tap

    add_staff(store.engine, "AB", "Anne B", "4821")
    app = StaffApp(content, store, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#initials", Input).value = "AB"
        app.screen.query_one("#pin", Input).value = "4821"
        await tap(pilot, "#pin-ok")
        app.query_one("#tabs").active = "tab-kb"
        await pilot.pause()
        query = app.query_one("#kb-query", Input)
        query.value = PLAN_FIGURE_QUESTION
        await query.action_submit()
        await pilot.pause()
        shown = "\n".join(str(w.render()) for w in app.query("#kb-results Static"))
    assert "[Kildeuddrag]" in shown and "10.918 fuldtidspersoner" in shown
    assert re.search(r"Kilde: seeds/001_\w+\.txt:\d+-\d+", shown)
    assert shown.index("Kilder: ") < shown.index("[Kildeuddrag"), "entries come first"


@pytest.mark.parametrize("question", ["hvor mange indbyggere havde Lejre Kommune i 2019",
                                      "enhedsomkostninger Slagelse", "Christian Plank"])
def test_citizens_never_get_passages(kb: KnowledgeBase, question: str) -> None:
    assert all(h.kind == "entry" for h in kb.search(question, top=5).hits)


# -- forms of one question ---------------------------------------------------------------------

@pytest.mark.parametrize(("question", "lang"), [
    ("hvad er voksenlærling", "da"),
    ("hvad er voksenlaerling", "da"),
    ("hvad er voksenlæring", "da"),
    ("what is an adult apprenticeship", "en"),
    ("adult aprenticeship voksenlærling", "en"),
    ("що таке воксенлерлінг", "uk"),
    ("що таке voksenlærling", "uk"),
])
def test_the_voksenlaerling_question_in_every_form(kb: KnowledgeBase, question: str,
                                                    lang: str) -> None:
    result = kb.search(question)
    assert result.outcome in ("answer", "suggest")
    assert "voksenlaerling" in [h.id for h in result.hits]



# Typed by citizens at the kiosk in the usability test (issue 24): each should be led to the
# entry on its subject, first among the suggestions.
@pytest.mark.parametrize(("question", "wanted"), [
    ("hvad er dagpenge", {"dagpenge_pligter"}),
    ("що буде якщо я поїду з Данії на деякий час?", {"saerloven_udloeb"}),  # leave Denmark
    ("kan jeg fa hjaelp til uddannelse", {"et_trin_op", "uddannelsesloeft", "veu_amu",
                                          "opkvalificering_som_ledig"}),  # typed without å, æ
])
def test_a_kiosk_phrasing_leads_to_the_entry_on_its_subject(kb: KnowledgeBase, question: str,
                                                            wanted: set[str]) -> None:
    result = kb.search(question, audience="citizen")
    ids = [h.id for h in result.hits]
    assert ids[:1] and ids[0] in wanted, ids

def test_a_huge_question_is_read_only_as_far_as_its_first_words(kb: KnowledgeBase) -> None:
    huge = "voksenlærling " + "x" * 2_000_000 + " pizza"
    result = kb.search(huge, audience="staff")
    assert [h.id for h in result.hits][:1] == ["voksenlaerling"]


def test_a_danish_compound_stands_for_its_parts(kb: KnowledgeBase) -> None:
    # in the texts: an entry saying "vejledningssamtale" is also about a "samtale"
    assert kb.index.compounds["vejledningssamtale"] == ("vejledning", "samtale")
    # in a question: a compound no text has is looked for by its parts, each counting half
    slots = kb.index.slots("jobrotationsvikaren")
    assert [(s.terms, s.weight) for s in slots] == [({"jobrotation": 1.0}, 0.5),
                                                    ({"vikar": 1.0}, 0.5)]


def test_staff_only_and_stale_entries_are_hidden_from_citizens(kb: KnowledgeBase) -> None:
    staff_only = [e for e in kb.entries.values() if not e.for_citizens()]
    assert staff_only, "the knowledge base has staff-only entries"
    entry = staff_only[0]
    assert entry.id not in [h.id for h in kb.search(entry.title["da"], top=10).hits]
    assert entry.id in [h.id for h in kb.search(entry.title["da"], audience="staff",
                                                top=10).hits]
    later = KnowledgeBase(list(kb.entries.values()), today=lambda: dt.date(2099, 1, 1))
    assert later.search("voksenlærling").outcome == "none"
    assert later.search("voksenlærling", audience="staff").outcome != "none"


@pytest.mark.parametrize("question", ["kontanthjælp", "voksenlærling", "særloven", "jobsamtale"])
@pytest.mark.parametrize("audience", ["citizen", "staff"])
def test_the_outcome_is_the_questions_however_many_hits_are_asked_for(
        kb: KnowledgeBase, question: str, audience: str) -> None:
    outcomes = {kb.search(question, audience=audience, top=top).outcome for top in (1, 2, 3, 5)}
    assert len(outcomes) == 1, outcomes


@pytest.mark.parametrize(("question", "word", "term"), [
    ("what must municipalities do for Ukrainians", "ukrainians", "ukrainian"),
    ("kommunens pligter over for ukrainere", "kommunens", "kommune"),
])
def test_an_s_form_the_lemmatiser_leaves_alone_is_read(kb: KnowledgeBase, question: str,
                                                       word: str, term: str) -> None:
    slot = next(slot for slot in kb.index.slots(question) if slot.word == word)
    assert term in slot.terms


@pytest.mark.parametrize("apostrophe", ["'", "’", "ʼ"])
def test_a_ukrainian_word_keeps_its_apostrophe(kb: KnowledgeBase, apostrophe: str) -> None:
    # "сім'ї" (family's) fell apart into "сім" (seven) and "ї", so a question about bringing a
    # dependent mother as a family member under særloven led with repatriation
    question = (f"Моя мама живе в Запоріжжі, я її утримую. Чи може вона отримати дозвіл як "
                f"член моєї сім{apostrophe}ї за særloven?")
    hits = [h.id for h in kb.search(question, audience="citizen").hits]
    assert "saerloven_familie" in hits


def test_a_short_danish_function_word_without_its_accent_is_not_a_word_of_the_question(
        kb: KnowledgeBase) -> None:
    # "fa" is "få" typed without å; a text holding "fa" of its own made it the question's
    # rarest word, and "hvad skal jeg gore for at fa dagpenge" got nothing at all
    hits = [h.id for h in kb.search("hvad skal jeg gore for at fa dagpenge",
                                    audience="citizen").hits]
    assert "dagpenge_pligter" in hits


@pytest.mark.parametrize(("plain", "accented"), [
    ("hvor mange penge far jeg", "hvor mange penge får jeg"),
    ("hvor mange penge far vi", "hvor mange penge får vi")])
def test_a_verb_before_its_subject_typed_without_its_accent_is_read_as_that_verb(
        kb: KnowledgeBase, plain: str, accented: str) -> None:
    # "far jeg" is "får jeg": read as "far" (father), it named a subject, so a question asking
    # how much money one gets was offered youth jobs and repatriation instead of "I don't have
    # the amounts" (a stranger, 55, typing without æøå)
    typed, written = (kb.search(q, audience="citizen") for q in (plain, accented))
    assert (typed.outcome, typed.missing) == ("none", "amount")
    assert (written.outcome, written.missing) == ("none", "amount")


def test_staff_asking_about_one_municipalitys_plan_are_not_shown_anothers(
        kb: KnowledgeBase) -> None:
    # Slagelse's integration entry led "According to Lejre's 2019 plan, what share of the newly
    # arrived refugees had found work?", and pushed Lejre's own entry off the list
    hits = kb.search("According to Lejre's 2019 plan, roughly what share of the newly arrived "
                     "refugees had found work?", audience="staff").hits
    entries = [h.entry for h in hits if h.entry is not None]
    assert entries and all(e.municipality in ("lejre", "national") for e in entries)
    assert "lejre_sigtelinjer_integration_unge" in [e.id for e in entries]


@pytest.mark.parametrize("question", [
    "How many Ukrainians under the special act lived in Lejre Kommune in 2023?",
    "Hvor mange ukrainere under særloven boede i Lejre Kommune i 2023?",
])
def test_an_entry_that_names_neither_the_year_nor_the_place_asked_about_is_no_answer(
        kb: KnowledgeBase, question: str) -> None:
    # the national særlov figures were given as the answer to a count for Lejre in 2023, which
    # no source gives: they may still be suggested, the search cannot be sure of them
    result = kb.search(question, audience="staff")
    assert result.outcome != "answer", [h.id for h in result.hits]
    held = kb.search("How many Ukrainians have residence permits under the special act?",
                     audience="staff")
    assert held.outcome == "answer" and held.hits[0].id == "saerloven_tal"


@pytest.mark.parametrize("question", ["name", "navn", "made", "ім'я"])
def test_a_question_of_one_word_is_answered_only_by_an_entry_about_it(
        kb: KnowledgeBase, question: str) -> None:
    # "name" was answered with the permit entry, whose term "name on the mailbox" holds it, and
    # "made" with the reform's ("who made the reform"): a word inside a longer term may be
    # suggested, not given as the answer
    assert kb.search(question).outcome != "answer"
    for word, entry in (("opholdskort", "saerloven_forlaengelse"), ("voksenlærling",
                                                                    "voksenlaerling")):
        found = kb.search(word)
        assert found.outcome == "answer" and found.hits[0].id == entry, word


@pytest.mark.parametrize(("question", "entry"), [
    ("repatrieringsstøtte", "repatriering_stoette"),
    ("repatriation support", "repatriering_stoette"),
])
def test_a_question_of_one_word_gets_the_entry_about_it_first(kb: KnowledgeBase, question: str,
                                                               entry: str) -> None:
    """"repatrieringsstøtte" (seen in a blind dev question) got three repatriation entries
    that name it only inside longer terms ("betale repatrieringsstøtte tilbage"), and not the
    one about the support, whose term it is."""
    result = kb.search(question, audience="citizen", top=3)
    assert result.hits and result.hits[0].id == entry
