"""Requests with more words around them, found by outside testers: "ring mig op, mit cpr er
...", "call me back about my benefits", "Hej jeg vil gerne booke et møde, mit cpr nr er ..."
start the callback or the booking (after the CPR notice), and what a call is about is kept as
its topic in the citizen's words; a request to move or cancel one's meeting said with other
words around it ("..., can i move the meeting to later, like the 16th?") starts the change or
cancel guide; questions that only mention a meeting or a call still ask the knowledge base.
(The transcripts callback_request_*, callback_after_thanks_*, manage_in_words_* and
book_request_cpr_* show the same in the text and SMS channels.)"""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.conversation import Conversation, State
from assistant.outputs import Say
from assistant.store.models import CallbackRequest
from assistant.text import pick

from .conftest import NOW

MANAGE_TITLE = {"da": "Flyt eller aflys et møde", "en": "Change or cancel a booking",
                "uk": "Змінити або скасувати зустріч"}
STAFF_TITLE = {"da": "Tal med en medarbejder", "en": "Talk to staff",
               "uk": "Поговорити з працівником"}
NAME_QUESTION = {"da": "Hvad hedder du?", "en": "What is your name?", "uk": "Як вас звати?"}
BOOK_QUESTION = {"da": "Hvilken slags møde har du brug for?",
                 "en": "What kind of meeting do you need?", "uk": "Яка зустріч вам потрібна?"}
CPR_NOTICE = {"da": "Skriv venligst ikke dit CPR-nummer her. Vi har fjernet det.",
              "en": "Please do not write your CPR number here. We have removed it.",
              "uk": "Будь ласка, не пишіть тут свій номер CPR. Ми його видалили."}


def lines(outputs: list, lang: str) -> list[str]:
    return [pick(o.text, lang) for o in outputs if isinstance(o, Say)]


CALL_ME_WITH_WORDS = [
    ("da", "ring mig op, mit cpr er 010203-1234"), ("da", "ring mig op angående min dagpenge"),
    ("da", "kan I ringe mig op i morgen?"), ("da", "ring mig op om mine dagpenge"),
    ("da", "Hej, ring venligst til mig om mit møde"), ("da", "ring mig op om en time"),
    ("en", "call me back about my benefits"), ("en", "Can you call me back tomorrow?"),
    ("en", "call me tomorrow about my job please"),
    ("en", "could somebody ring me back"), ("en", "thanks, please phone me about my sick pay"),
    ("uk", "передзвоніть мені щодо допомоги"),
    ("uk", "Зателефонуйте мені, будь ласка, з приводу роботи"),
]


CALL_ME_AFTER_THANKS = [
    ("en", "great. can someone call me back about my benefits please"),
    ("en", "ok thanks, could somebody call me back about my job"),
    ("da", "tak for hjaelpen, kan i ringe mig op om mine dagpenge i morgen?"),
    ("da", "super, kan nogen ringe mig op om min uddannelse?"), ("da", "kan nogen ringe mig op"),
    ("uk", "чи може хтось мені передзвонити"),
    ("uk", "добре, чи може хтось мені передзвонити щодо допомоги?"),
    ("uk", "дякую, передзвоніть мені щодо роботи"),
]
"""After an answer ("great.", "tak for hjælpen,", "добре,"), and asked of anyone ("someone",
"nogen", "хтось"): they were searched ("great. can someone call me back about my benefits
please" a list of repatriation entries, "чи може хтось мені передзвонити" "I do not know")."""


@pytest.mark.parametrize("channel", ["web", "kiosk", "sms"])
@pytest.mark.parametrize(("lang", "text"), CALL_ME_WITH_WORDS + CALL_ME_AFTER_THANKS)
def test_a_request_for_a_call_with_more_words_starts_the_callback(
        content, channel: str, lang: str, text: str) -> None:
    """It was a knowledge search: "Det ved jeg desværre ikke" and the menu, or a list of
    entries for a word of it ("benefits": repatriation). A CPR number in it is masked and
    told first, as ever."""
    said = lines(Conversation(content, State(lang=lang, channel=channel)).handle(text), lang)
    start = 1 if "010203" in text else 0
    assert said[start] == STAFF_TITLE[lang] and said[start + 1].startswith(NAME_QUESTION[lang])
    assert (said[0] == CPR_NOTICE[lang]) == bool(start)


@pytest.mark.parametrize(("lang", "text", "topic", "note"), [
    ("en", "call me back about my benefits", "benefits", "about my benefits"),
    ("da", "ring mig op om mine dagpenge", "other", "om mine dagpenge"),
    ("da", "ring mig op angående min dagpenge, mit cpr er 010203-1234", "other",
     "angående min dagpenge"),
    ("uk", "передзвоніть мені щодо допомоги", "other", "щодо допомоги"),
    ("da", "ring mig op om min uddannelse", "education", "om min uddannelse"),
    ("en", "great. can someone call me back about my benefits please", "benefits",
     "about my benefits"),
    ("da", "tak for hjaelpen, kan i ringe mig op om mine dagpenge i morgen?", "other",
     "om mine dagpenge i morgen"),
    ("uk", "добре, чи може хтось мені передзвонити щодо допомоги?", "other", "щодо допомоги"),
])
def test_what_a_call_is_about_is_its_topic_in_the_citizens_words(
        content, store, lang: str, text: str, topic: str, note: str) -> None:
    """"What is it about?" is answered by the request, as the words after an option's name are
    kept there (test_booking's own-words test): not asked, in the summary (to change there),
    and the request's topic and note for the member of staff who calls."""
    convo, _ = Conversation.open(content, store, f"cb-{uuid.uuid4().hex}", "text", lang,
                                 now=lambda: NOW)
    convo.handle(text)
    convo.handle("Anna Jensen")
    summary = "\n".join(lines(convo.handle("22334455"), lang))
    assert f": {note}\n" in summary + "\n" and "010203" not in summary, summary
    convo.handle("1")
    with DB(store.engine) as db:
        request = db.exec(select(CallbackRequest)).one()
    assert (request.topic, request.note) == (topic, note)


def test_a_call_asked_for_with_no_topic_asks_what_it_is_about(content, store) -> None:
    """"kan I ringe mig op i morgen?" says when, not what about: the topic is asked."""
    convo, _ = Conversation.open(content, store, f"cb-{uuid.uuid4().hex}", "text", "da",
                                 now=lambda: NOW)
    for said in ("kan I ringe mig op i morgen?", "Anna Jensen"):
        convo.handle(said)
    assert "Hvad drejer det sig om?" in lines(convo.handle("22334455"), "da")


@pytest.mark.parametrize(("lang", "text"), [
    ("da", "Hej jeg vil gerne booke et møde, mit cpr nr er 0102031234"),
    ("en", "I want to book a meeting, my cpr is 010203-1234"),
    ("en", "Hello, I would like to book a meeting please, my cpr number is 010203-1234"),
    ("uk", "Я хочу записатися на зустріч, мій cpr 010203-1234"),
    ("uk", "Добрий день, я хотіла б записатися на зустріч, ось мій номер CPR: 010203-1234"),
])
def test_a_request_to_book_with_a_cpr_number_books_after_the_notice(
        content, lang: str, text: str) -> None:
    """The masked number and the words naming it ("mit cpr nr er") made the request too long
    to be one: it was searched ("Selvbooking af samtaler på Jobnet")."""
    said = lines(Conversation(content, State(lang=lang, channel="web")).handle(text), lang)
    assert said[0] == CPR_NOTICE[lang] and BOOK_QUESTION[lang] in said, said


@pytest.mark.parametrize(("lang", "text"), [
    ("da", "hvordan booker jeg et møde på Jobnet?"),
    ("en", "what happens at a meeting with the jobcenter?"),
    ("en", "can I call the jobcenter?"), ("en", "call me Anna"),
    ("da", "hvornår ringer I mig op?"), ("en", "I don't want you to call me back"),
    ("uk", "як записатися на зустріч?"),
    ("en", "ok, can I call the jobcenter?"), ("da", "tak, hvornår ringer I mig op?"),
    ("en", "thanks, call me Anna"), ("uk", "дякую, коли ви мені передзвоните?"),
])
def test_a_question_that_mentions_a_meeting_or_a_call_is_no_request(content, lang: str,
                                                                     text: str) -> None:
    convo = Conversation(content, State(lang=lang, channel="web"))
    said = lines(convo.handle(text), lang)
    assert not any(NAME_QUESTION[lang] in line or BOOK_QUESTION[lang] in line
                   for line in said), said
    assert convo.state.flow is None


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Hello, I would like to book a meeting please, my cpr number is 010203-1234"),
    ("uk", "Добрий день, я хотіла б записатися на зустріч, ось мій номер CPR: 010203-1234"),
])
def test_a_request_with_a_cpr_number_later_in_an_english_or_ukrainian_conversation(
        content, lang: str, text: str) -> None:
    """After the first message a CPR number is masked in the conversation's language ("[CPR
    removed]", "[CPR видалено]"): the request is read without that mask too, not only
    without the Danish one."""
    convo = Conversation(content, State(lang=lang, channel="web"))
    convo.handle("menu")
    said = lines(convo.handle(text), lang)
    assert said[0] == CPR_NOTICE[lang] and BOOK_QUESTION[lang] in said, said


MOVE_OR_CANCEL_IN_WORDS = [
    ("en", "hmm actually friday doesnt suit me anymore, can i move the meeting to later, like "
           "the 16th?", "change"),
    ("en", "sorry, something came up at work so I need to reschedule my appointment next week",
     "change"),
    ("en", "the time doesn't work for me, can you change the time of my meeting", "change"),
    ("en", "my kid is ill and I cannot come on friday. could you cancel my 10 o'clock meeting "
           "please?", "cancel"),
    ("en", "if possible please move my meeting to friday, I am sick", "change"),
    ("da", "hej, jeg er blevet syg og kan ikke komme på fredag, så jeg vil gerne flytte mit møde",
     "change"),
    ("da", "jeg kan ikke komme i morgen, kan I flytte mødet til næste uge?", "change"),
    ("da", "undskyld, men jeg har fået arbejde, så I må gerne aflyse min tid hos jer på torsdag "
           "tak", "cancel"),
    ("uk", "вибачте, я захворіла і не зможу прийти в п'ятницю, чи можна перенести мою зустріч?",
     "change"),
    ("uk", "добрий день, я знайшов роботу, тому прошу скасувати мій запис на четвер", "cancel"),
    ("uk", "скасуйте, будь ласка, мій запис бо я захворів", "cancel"),
]
"""Said with other words around the request, they were searched ("can i move the meeting to
later, like the 16th?" got "Repatriation in Slagelse..."): only a short request ("i want to
move my meeting") started the guide."""


@pytest.mark.parametrize("channel", ["web", "sms"])
@pytest.mark.parametrize(("lang", "text", "what"), MOVE_OR_CANCEL_IN_WORDS)
def test_moving_or_cancelling_ones_meeting_in_ones_own_words_starts_the_guide(
        content, channel: str, lang: str, text: str, what: str) -> None:
    convo = Conversation(content, State(lang=lang, channel=channel))
    said = lines(convo.handle(text), lang)
    assert said[0] == MANAGE_TITLE[lang], said
    assert convo.state.flow is not None and convo.state.flow["answers"] == {"what": what}


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "what happens if I miss a meeting?"),
    ("en", "I'm sick, what happens if I cancel my meeting?"),
    ("en", "how can I move my meeting to another day?"),
    ("en", "I don't want to cancel my meeting, I just want to know the address of the "
           "jobcenter"),
    ("en", "can I move a meeting on Jobnet?"),
    ("da", "kan jeg flytte et møde på Jobnet?"), ("da", "kan jeg booke et møde på Jobnet?"),
    ("da", "hvad sker der hvis jeg aflyser mit møde?"),
    ("da", "jeg vil gerne ændre mit CV inden mødet på fredag, kan I hjælpe?"),
    ("uk", "чи можна перенести зустріч на Jobnet?"),
    ("uk", "що буде, якщо я скасую свою зустріч?"),
])
def test_a_question_about_moving_or_cancelling_a_meeting_asks_the_knowledge_base(
        content, lang: str, text: str) -> None:
    """How moving works, what follows from cancelling, or whether Jobnet does it ("kan jeg
    flytte et møde på Jobnet?", which started the guide: the knowledge base has the entry on
    booking one's own meetings on Jobnet) are questions; a request in the first person to move
    one's own meeting is a request."""
    convo = Conversation(content, State(lang=lang, channel="web"))
    convo.handle(text)
    assert convo.state.flow is None and convo.searched is not None


STAFF_STOPPED = {"da": 'Vi stopper "Tal med en medarbejder".',
                 "en": 'We stop "Talk to staff".', "uk": "Зупиняємо «Поговорити з працівником»."}


@pytest.mark.parametrize("channel", ["web", "kiosk", "sms"])
@pytest.mark.parametrize(("lang", "text"), [
    ("da", "nej glem det"), ("da", "nej tak, jeg fortryder"), ("en", "no forget it"),
    ("en", "forget about it"), ("da", "glem det hele"),
    ("en", "ok never mind"), ("en", "No, never mind."), ("uk", "ні, забудьте"),
    ("uk", "ні, я передумала"),
])
def test_no_before_a_word_that_leaves_leaves_the_guide(content, channel: str, lang: str,
                                                       text: str) -> None:
    """At the callback's name question "nej glem det" was taken as the name ("Navn: nej glem
    det"); "no" before "forget it" leaves the guide as "forget it" alone does."""
    convo = Conversation(content, State(lang=lang, channel=channel))
    convo.handle("staff")
    assert NAME_QUESTION[lang] in "\n".join(lines(convo.handle("2"), lang))
    said = lines(convo.handle(text), lang)
    assert said[0].startswith(STAFF_STOPPED[lang]) and convo.state.flow is None, said


@pytest.mark.parametrize(("lang", "name"), [("da", "Nej Nielsen"), ("uk", "Ніна Коваленко")])
def test_a_name_that_opens_like_no_is_a_name(content, lang: str, name: str) -> None:
    convo = Conversation(content, State(lang=lang, channel="web"))
    convo.handle("staff")
    convo.handle("2")
    convo.handle(name)
    assert convo.state.flow is not None and name in convo.state.flow["answers"].values()
