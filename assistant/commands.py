"""Global commands, recognised at every step in Danish, English and Ukrainian."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

HELP, BACK, RESTART, MENU, LANGUAGE, STAFF = "help", "back", "restart", "menu", "language", "staff"
SAVE, CALLBACK, GREETING, FINISH = "save", "callback", "greeting", "finish"
ABOUT, LEAVE = "about", "leave"

_WORDS: dict[str, tuple[str, ...]] = {
    HELP: ("hjælp", "hjaelp", "help", "?", "допомога", "довідка", "допомогти"),
    BACK: ("tilbage", "back", "назад", "повернутися"),
    RESTART: (
        "start forfra", "forfra", "begynd forfra", "start over", "restart", "start again",
        "почати знову", "почати спочатку", "спочатку", "заново",
    ),
    MENU: ("menu", "hovedmenu", "main menu", "меню", "головне меню"),
    LANGUAGE: (
        "sprog", "skift sprog", "language", "change language", "мова", "змінити мову",
        "mova", "zminyty movu",  # Ukrainian typed in Latin letters
    ),
    STAFF: (
        "personale", "medarbejder", "tal med en medarbejder", "tal med personale",
        "staff", "talk to staff", "talk to a person", "human",
        "працівник", "персонал", "поговорити з працівником",
    ),
}

_WORDS[SAVE] = ("gem", "gem til senere", "save", "save for later", "зберегти", "зберегти на потім")

_WORDS[FINISH] = (
    "afslut", "afslut samtalen", "jeg er færdig", "jeg er faerdig",
    "finish", "end conversation", "end the conversation", "i'm done", "i’m done", "im done",
    "i am done",
    "завершити", "завершити розмову", "закінчити", "я закінчив", "я закінчила",
    "farvel", "hej hej", "goodbye", "bye", "до побачення", "бувайте", "бувай",
)
"""The kiosk's Finish button, typed (its label in each language, and "I'm done"): at the kiosk
it wipes the screen as the button does; on the web page it ends the conversation (the page
starts a new one); by SMS the menu. A bare "done", "færdig" or "готово" is not one: it may
mean "send my choices" at a step of several."""

_WORDS[LEAVE] = (
    "stop", "stop det", "annuller", "annullér", "annuller det", "afbryd", "aflys", "fortryd",
    "fortryder", "jeg fortryder", "jeg har fortrudt", "glem det", "glem det hele", "ikke alligevel",
    "jeg vil ikke alligevel", "det vil jeg ikke alligevel",
    "cancel", "cancel it", "cancel that", "quit", "exit", "abort", "never mind", "nevermind",
    "forget it", "forget about it", "changed my mind", "i changed my mind", "i've changed my mind",
    "i have changed my mind", "not anymore",
    "стоп", "зупинити", "зупиніть", "скасувати", "скасуйте", "відмінити", "вийти", "вихід",
    "передумав", "передумала", "я передумав", "я передумала", "забудьте",
)
"""Words that leave the guide one is in, its answers dropped ("annuller", "never mind",
"я передумав"): in a guide, unless the question asked has an option of those words
("cancel" at "What would you like to do?" is "Cancel the meeting"). Outside a guide a word
that asks for a guide starts it ("aflys": cancel a meeting), the others show the menu. By SMS
STOP, CANCEL, QUIT and the other opt-out words never reach the conversation: the SMS channel
takes them for an opt-out first (channels/sms.py STOP_WORDS)."""

_LEAVE_OPENINGS = tuple(tuple(phrase.split()) for phrase in (
    "fortryd", "fortryder", "jeg fortryder", "jeg har fortrudt", "glem det",
    "never mind", "nevermind", "forget it", "changed my mind", "i changed my mind",
    "i've changed my mind", "i have changed my mind",
    "передумав", "передумала", "я передумав", "я передумала", "забудьте",
))
"""Openings that leave a guide when a comma or a full stop ends them: "jeg fortryder, jeg vil
ikke booke alligevel", "never mind. I'll come back later", "я передумав, не хочу" ("jeg
fortryder min opsigelse", said in one's own words at a question, is no such opening)."""
_NOT_WANTING = (
    frozenset({"vil", "want", "wanna", "хочу", "хочемо", "бажаю"}),
    frozenset({"ikke", "not", "don't", "dont", "doesn't", "не"}),
    frozenset({"alligevel", "længere", "laengere", "anymore", "вже", "більше", "таки"}),
)
"""A short message holding a word of each ("jeg vil ikke booke alligevel", "I don't want to
book after all", "я вже не хочу записуватися") says one does not want to go on."""
_AFTER_ALL = ("after", "all")
_SMALL = frozenset("""
jeg du i et en at det den mig to a an the it this that i'm do me я мені це цього ні
""".split())
_MAX_OTHER_WORDS = 2
"""At most this many other words ("booke", "møde") than those of _NOT_WANTING and _SMALL:
"jeg vil ikke have mit job længere" tells something, at a question for one's own words."""
_MAX_LEAVE_WORDS = 12

_ASKS_FOR_A_PERSON: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "da": (("", "jeg vil gerne tale med", "jeg vil tale med", "jeg vil gerne snakke med",
            "jeg vil snakke med", "kan jeg tale med", "kan jeg snakke med", "må jeg tale med",
            "kan jeg få fat i", "jeg vil have fat i", "jeg har brug for", "tal med",
            "snak med"),
           ("et menneske", "menneske", "en medarbejder", "en sagsbehandler", "sagsbehandler",
            "min sagsbehandler", "en person", "en rigtig person", "nogen", "personalet")),
    "en": (("", "i want to talk to", "i want to speak to", "i would like to talk to",
            "i would like to speak to", "can i talk to", "can i speak to", "could i speak to",
            "may i speak to", "let me talk to", "talk to", "speak to", "i need"),
           ("a person", "a human", "a real person", "someone", "somebody", "a member of staff",
            "my caseworker", "a caseworker", "an advisor", "a human being")),
    "uk": (("", "я хочу поговорити з", "хочу поговорити з", "можна поговорити з",
            "чи можу я поговорити з", "я хочу говорити з", "поговорити з", "мені потрібна",
            "мені потрібен"),
           ("працівником", "людиною", "живою людиною", "кимось", "консультантом",
            "людина", "жива людина", "працівник", "консультант")),
}
"""Whole messages that ask for a person: one of the openings followed by one of the persons
(an opening alone is not enough; a question about something, "who can I talk to about
repatriation", is not one of them and goes to the knowledge)."""

_WORDS[STAFF] = _WORDS[STAFF] + tuple(
    f"{opening} {person}".strip() for openings, persons in _ASKS_FOR_A_PERSON.values()
    for opening in openings for person in persons
    if opening or person in ("menneske", "et menneske", "людина", "a person", "a human",
                             "someone", "a human being", "жива людина"))

_WORDS[CALLBACK] = (
    "ring mig op", "ring mig op senere", "ring til mig", "kan I ringe mig op",
    "kan I ringe til mig", "call me back", "call me", "please call me back",
    "can you call me back", "can someone call me back", "зателефонуйте мені",
    "передзвоніть мені", "зателефонуйте мені пізніше", "можете мені зателефонувати",
    "передзвонити мені", "мені передзвонити", "можете мені передзвонити",
    "ring me back", "ring me", "phone me", "phone me back", "ring til mig igen",
)

_WORDS[GREETING] = (
    "hej", "hejsa", "hej hej", "hallo", "goddag", "god dag", "godmorgen", "god morgen",
    "god eftermiddag", "godaften", "god aften", "dav",
    "hello", "hi", "hey", "good morning", "good afternoon", "good evening",
    "привіт", "вітаю", "добрий день", "доброго дня", "добридень", "добрий ранок",
    "доброго ранку", "добрий вечір", "доброго вечора", "здрастуйте", "здравствуйте",
)
"""A bare greeting: answered with a greeting and what the assistant can do (the menu)."""

_WORDS[ABOUT] = (
    "hvem er du", "hvad er du", "hvad hedder du", "hvad er dit navn", "er du en robot",
    "er du en computer", "er du et menneske", "er du en rigtig person", "er du en chatbot",
    "er du en bot", "hvem har lavet dig", "hvordan har du det", "hvordan går det",
    "hvordan gaar det", "hvordan har du det i dag", "jeg elsker dig",
    "who are you", "what are you", "what is your name", "what's your name", "whats your name",
    "are you a robot", "are you a bot", "are you a chatbot", "are you a computer",
    "are you a human", "are you human", "are you a real person", "are you real",
    "who made you", "who created you", "how are you", "how are you doing", "how are you today",
    "how's it going", "hows it going", "i love you",
    "хто ти", "хто ви", "що ти таке", "як тебе звати", "як вас звати", "ти робот", "ви робот",
    "ти бот", "ви бот", "ти людина", "ви людина", "ти справжня людина", "хто тебе створив",
    "як справи", "як у тебе справи", "як у вас справи", "як ся маєш", "як ви", "я тебе кохаю",
)
"""Small talk about the assistant itself ("are you a robot", "як справи"): answered with what
it is and what it can do. Searched as questions, their words found the knowledge's ("name" on
the mailbox, "robot" read as "робота", "love" as the Danish "love", laws)."""

_RESUME_WORDS = ("fortsæt", "fortsaet", "resume", "continue", "продовжити")

_LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {
    "da": ("dansk", "danish", "данська", "датська"),
    "en": ("english", "engelsk", "англійська"),
    "uk": ("українська", "ukrainian", "ukrainsk", "украинский"),
}


def normalise_command(text: str) -> str:
    """Case- and punctuation-insensitive form used to compare commands (a question mark
    at the end too: "can I speak to someone?")."""
    text = unicodedata.normalize("NFC", text).casefold().strip()
    if text == "?":
        return text
    text = re.sub(r"[\s.!,;:¡¿\"'«»]+", " ", text).strip()
    return text.rstrip("? ").strip() if len(text) > 1 else text


@cache
def normalise_label(label: str) -> str:
    """:func:`normalise_command` of a menu's or a step's label, kept: each turn compares the
    input with every label in three languages, and the labels are the content's own."""
    return normalise_command(label)


_INDEX = {normalise_command(w): cmd for cmd, words in _WORDS.items() for w in words}
_LANG_INDEX = {normalise_command(w): lang for lang, words in _LANGUAGE_WORDS.items() for w in words}

_THANKING = frozenset({"tak", "thanks", "thank", "thx", "дякую", "спасибі", "спасибо"})
_GOODBYES = frozenset({"farvel", "ses", "bye", "goodbye", "бувай", "бувайте"})
_GOODBYE_PHRASES = ("hej hej", "vi ses", "hav en god dag", "god weekend", "see you",
                    "have a good day", "have a nice day", "до побачення", "гарного дня")
"""("god dag" and "good day" are also greetings: only "have a good day" says goodbye.)"""
_COURTESY = frozenset("""
mange tusind for hjælpen hjælp det var så søde ok okay nå fint godt super hav en dag god hej
vi weekend
you so much very a lot for your help the ok okay great nice have good day fine see weekend
дуже велике вам за допомогу ок добре гарного дня вам і до побачення
""".split())
"""Words that come with a thank-you or a goodbye ("tusind tak for hjælpen", "ok farvel",
"thank you so much, goodbye", "спасибі велике"): a message of them only asks nothing."""


def _courtesy(text: str) -> tuple[bool, bool]:
    """(thanks, goodbye): whether a message of courtesy words only thanks or says goodbye."""
    folded = normalise_command(re.sub(r"[^\w\s'’]", " ", text))
    said = set(folded.split())
    goodbye = bool(said & _GOODBYES) or any(f" {p} " in f" {folded} " for p in _GOODBYE_PHRASES)
    thanks = bool(said & _THANKING)
    rest = said - _THANKING - _GOODBYES - _COURTESY
    return (thanks and not rest, goodbye and not rest)


def is_thanks(text: str) -> bool:
    """The message only thanks ("tak", "thank you so much", "дякую"): no answer to anything,
    and no question to search for."""
    thanks, goodbye = _courtesy(text)
    return thanks and not goodbye


def is_goodbye(text: str) -> bool:
    """The message says goodbye, with thanks or courtesy words only ("ok farvel", "thank you
    so much, goodbye", "hav en god dag"): the conversation is done, as at Finish."""
    return _courtesy(text)[1]


_POLITE = tuple(sorted((tuple(normalise_command(phrase).split()) for phrase in (
    # Danish
    "venligst", "gerne", "lige", "bare", "tak", "nu", "jeg vil gerne", "vil gerne", "jeg vil",
    "jeg vil bare", "jeg ville gerne", "jeg vil meget gerne", "kan du", "kan i", "vil du",
    "vil i", "kunne du", "kunne i", "må jeg", "hurtigst muligt", "kan nogen", "kunne nogen",
    "vil nogen", "ville nogen",
    # English
    "please", "pls", "plz", "kindly", "just", "now", "thanks", "thank you", "could you",
    "would you", "can you", "will you", "could someone", "can someone", "will someone",
    "would someone", "can somebody", "could somebody", "i would like to",
    "i'd like to", "i want to", "i wanna", "if possible", "as soon as possible",
    # Ukrainian
    "будь ласка", "будь-ласка", "прошу", "дякую", "зараз", "можете", "ви можете",
    "чи можете", "чи можете ви", "чи не могли б ви", "чи не могли би ви", "могли б ви",
    "можна", "я хочу", "хочу", "я б хотів", "я б хотіла", "я хотів би", "я хотіла б",
    "чи може хтось", "може хтось", "хтось може", "чи міг би хтось", "нехай хтось",
    "хай хтось",
)), key=len, reverse=True))
"""Polite and filler words said around a request ("ring venligst til mig", "Could you please
call me back?", "Зателефонуйте мені, будь ласка", "vil gerne snakke med en person"), and the
one asked to do it when that is anyone ("kan nogen ringe mig op", "can someone call me back",
"чи може хтось мені передзвонити"): a command is read without them, in its words and in what
is typed alike."""


def _without_polite(folded: str) -> str:
    """``folded`` (a :func:`normalise_command` form) without the phrases of _POLITE."""
    said, kept, at = folded.split(), [], 0
    while at < len(said):
        polite = next((p for p in _POLITE if tuple(said[at:at + len(p)]) == p), None)
        if polite is None:
            kept.append(said[at])
            at += 1
        else:
            at += len(polite)
    return " ".join(kept)


def _politely(index: dict[str, str]) -> dict[str, str]:
    """``index`` by its phrases without polite words, where that names one command only and
    is no other command's phrase as it stands."""
    named: dict[str, set[str]] = {}
    for phrase, command in index.items():
        if (plain := _without_polite(phrase)) and plain != phrase:
            named.setdefault(plain, set()).add(command)
    return {plain: next(iter(commands)) for plain, commands in named.items()
            if len(commands) == 1 and index.get(plain, next(iter(commands))) in commands}


_POLITE_INDEX = _politely(_INDEX)

_ENDINGS = {_without_polite(normalise_command(w)): command for command in (STAFF, CALLBACK)
            for w in _WORDS[command] if len(_without_polite(normalise_command(w)).split()) > 1}
"""Requests for a person or a call of more than one word, polite words aside ("jeg vil tale
med en medarbejder", "мені потрібна людина", "ring til mig"): a message that ends with one
asks for it, whatever comes before it ("jeg forstår ikke, jeg vil tale med en medarbejder"),
but for a negation in its own clause ("I don't want to talk to a person")."""
_NEGATIONS = frozenset(("ikke", "aldrig", "not", "never", "don", "dont", "t", "не", "ні"))
"""(normalise_command takes the apostrophe out of "don't": "don t".)"""


def match_command(text: str) -> str | None:
    """The global command ``text`` names, or None: its words, polite words aside (_POLITE). A
    message that ends with a request for a person or a call (see _ENDINGS) is that command,
    unless it asks for information ("who can I talk to about repatriation" goes to the
    knowledge base)."""
    folded = normalise_command(text)
    found = _INDEX.get(folded)
    if found is not None:
        return found
    if is_goodbye(text):
        return FINISH
    plain = _without_polite(folded)
    if not is_thanks(text) and (found := _INDEX.get(plain) or _POLITE_INDEX.get(plain)):
        return found  # ("hej tak" thanks: "You are welcome", as ever)
    words = plain.split()
    if asks_what(text):
        return None
    for start in range(1, len(words) - 1):
        if (found := _ENDINGS.get(" ".join(words[start:]))) is not None:
            clause = re.split(r"[,.;:!?]+", text.strip().rstrip(" .!?"))[-1]
            return None if _NEGATIONS.intersection(normalise_command(clause).split()) else found
    if _leaves(text):
        return LEAVE
    if (rest := _after_no(text)) and match_command(rest) == LEAVE:
        return LEAVE  # "nej glem det", "no, forget it", "ні, забудьте"
    return None


_NO_FIRST = frozenset("""
nej nope nah næ ok okay tak no thanks oh ah ні ой добре гаразд дякую
""".split())
"""Words said before the words that leave a guide ("nej glem det", "no, forget it", "ні,
забудьте", "ok never mind"): the message leaves as those words do. (Not the Ukrainian "не":
"не забудьте" is "do not forget".)"""


def _after_no(text: str) -> str:
    """``text`` without the words of _NO_FIRST it opens with (and the commas after them), or
    "" when it opens with none."""
    rest = unicodedata.normalize("NFC", text).strip()
    while (said := re.match(r"([^\W\d_]+)[\s,.!;:–—-]*", rest)) and \
            said.group(1).casefold() in _NO_FIRST:
        rest = rest[said.end():]
    return rest if rest != text.strip() else ""


def _leaves(text: str) -> bool:
    """``text``, a short message, says one wants out of what one is doing, in a sentence: an
    opening of _LEAVE_OPENINGS alone or ended by a comma or a full stop ("jeg fortryder, jeg
    vil ikke booke alligevel"), or a word of each of _NOT_WANTING with at most
    _MAX_OTHER_WORDS others ("I don't want to book after all")."""
    folded = unicodedata.normalize("NFC", text).casefold().replace("’", "'")
    said = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", folded)
    if not said or len(said) > _MAX_LEAVE_WORDS:
        return False
    for opening in _LEAVE_OPENINGS:
        if tuple(said[:len(opening)]) == opening:
            ended = re.match(r"\W*" + r"\W+".join(map(re.escape, opening)) + r"\s*([,.!;:\-–—]|$)",
                             folded)
            if ended:
                return True
    if "after all" in " ".join(said):
        said = [*said, "anymore"]
    want, negation, anymore = _NOT_WANTING
    if not (want.intersection(said) and negation.intersection(said) and
            anymore.intersection(said)):
        return False
    others = [w for w in said if w not in _SMALL and w not in _AFTER_ALL
              and not any(w in group for group in _NOT_WANTING)]
    return len(others) <= _MAX_OTHER_WORDS



_CPR_NAMED = frozenset("""
mit min mine my your cpr cpr-nr cprnr cpr-nummer cprnummer cpr-number personnummer nr no
nummer number num er is here her мій мого мене номер номері це ось
""".split())
"""Words that say what a CPR number typed right after them is ("mit cpr nr er", "my cpr is",
"мій номер CPR"): left out with the number when a request is read (:func:`without_cpr`)."""


def without_cpr(text: str) -> str:
    """``text`` (as read: its CPR numbers masked, in any language's mask) without each masked
    number and the words just before it that name it ("ring mig op, mit cpr er [CPR fjernet]"
    is "ring mig op,"):
    what a command or a request for a guide is read from. A CPR number is no part of what
    is asked, and its words made "Hej jeg vil gerne booke et møde, mit cpr nr er ..." too
    long to be a request."""
    import re

    from assistant.privacy import CPR_MASKS, has_cpr_mask

    if not has_cpr_mask(text):
        return text
    parts = re.split("|".join(re.escape(mask) for mask in CPR_MASKS.values()), text)
    kept: list[str] = []
    for n, part in enumerate(parts):
        kept.extend(part.split())
        while n < len(parts) - 1 and kept and \
                kept[-1].casefold().strip(",.:;!?-–—=") in _CPR_NAMED:
            kept.pop()  # a number was masked here: the words that name it go with it
    return " ".join(kept)


_CALLBACK_OPENINGS = sorted({tuple(_without_polite(normalise_command(w)).split())
                             for w in _WORDS[CALLBACK]}, key=len, reverse=True)
"""The callback's words, polite words aside ("ring mig op", "ringe mig op" of "kan I ringe
mig op", "call me back", "передзвоніть мені"), longest first."""
_GREETINGS = sorted({tuple(normalise_command(w).split()) for w in _WORDS[GREETING]},
                    key=len, reverse=True)
_LEAD_IN = frozenset("""
tak tusind mange for hjælpen hjaelpen hjælp hjaelp ok okay okej super fint godt perfekt fedt
dejligt ja jo nå naa hmm altså
thanks thank you so much very for your the help ok okay great super cool fine good nice
perfect alright right yes yeah well hmm awesome
дякую спасибі дуже велике вам за допомогу добре гаразд чудово супер ок окей так ну
""".split())
"""Words of thanks and acknowledgement a request may open with, after an answer ("great.",
"tak for hjælpen,", "добре,"): "great. can someone call me back about my benefits" asks for
a call as the words after them do."""
_MAX_LEAD_IN = 8
_ABOUT = tuple(tuple(phrase.split()) for phrase in (
    "om", "angående", "angaaende", "ang", "vedrørende", "vedroerende", "vedr", "omkring",
    "about", "regarding", "concerning", "re",
    "щодо", "про", "стосовно", "відносно", "з приводу", "із приводу", "з питання",
    "у справі", "в справі"))
"""Words that open what a call is about ("om mine dagpenge", "about my benefits", "щодо
допомоги")."""
_WHEN = frozenset("""
lidt øjeblik time timer kvarter minut minutter dag dage uge uger morgen morgenen formiddag
formiddagen eftermiddag eftermiddagen aften aftenen kl klokken
hour hours minute minutes moment morning afternoon evening noon o clock
годину години годин хвилину хвилини хвилин ранку ранок вечора обід
""".split())
"""Words of time: "om" with one ("ring mig op om en time", "about 3 o'clock") says when."""
_CALL_ME = ("call", "me")
"""The callback's shortest English words: with more words only when those say what it is
about or when ("call me tomorrow"), never a name ("call me Anna")."""
_CALL_WHEN = frozenset("""
tomorrow today later tonight soon asap back
""".split())


def _tokens(text: str) -> tuple[list[str], list[tuple[str, int]]]:
    """``text``'s tokens (split at spaces) and its words as :func:`normalise_command` folds
    them, each with the token it is in."""
    tokens = text.split()
    said = [(w, at) for at, token in enumerate(tokens)
            for w in normalise_command(token).split() if any(c.isalnum() for c in w)]
    return tokens, said


def _plain(words: list[str], start: int) -> list[int]:
    """Where the words from ``start`` on are, polite words (_POLITE) aside."""
    kept, at = [], start
    while at < len(words):
        polite = next((p for p in _POLITE if tuple(words[at:at + len(p)]) == p), None)
        if polite is None:
            kept.append(at)
            at += 1
        else:
            at += len(polite)
    return kept


def _lead_in(words: list[str]) -> int:
    """Where ``words`` go on after a greeting and words of thanks or acknowledgement (_LEAD_IN)
    they open with ("hej", "tak for hjælpen", "ok great"), at most _MAX_LEAD_IN of them."""
    at = 0
    while at < min(len(words), _MAX_LEAD_IN):
        greeting = next((g for g in _GREETINGS if tuple(words[at:at + len(g)]) == g), None)
        if greeting is None and words[at] not in _LEAD_IN:
            break
        at += len(greeting) if greeting is not None else 1
    return at


def callback_request(text: str) -> str | None:
    """``text`` opens with a request for a call, polite words and a greeting or thanks aside,
    and says more: "call me back about my benefits", "kan I ringe mig op i morgen?", "ring mig
    op angående min dagpenge", "передзвоніть мені щодо допомоги", "great. can someone call me
    back about my benefits please", "tak for hjælpen, kan I ringe mig op om mine dagpenge?".
    What it says the call is
    about, as written from the word that opens it ("about my benefits", "angående min
    dagpenge"), or "" when it says none ("i morgen"); None when ``text`` is no such request
    (a question for information, "can I call the jobcenter?", "call me Anna")."""
    if asks_what(text):
        return None
    tokens, said = _tokens(without_cpr(text))
    words = [w for w, _ in said]
    start = _lead_in(words)
    if start and start < len(words) and words[start] in _WHAT_OPENINGS:
        return None  # "tak, hvornår ringer I mig op?": a question after the thanks
    kept = _plain(words, start)
    plain = [words[k] for k in kept]
    opening = next((o for o in _CALLBACK_OPENINGS if tuple(plain[:len(o)]) == o), None)
    if opening is None:
        return None
    rest = kept[len(opening):]
    if opening == _CALL_ME and rest and words[rest[0]] not in _CALL_WHEN and \
            not any(tuple(words[rest[0]:rest[0] + len(a)]) == a for a in _ABOUT):
        return None
    for k in rest:
        about = next((a for a in _ABOUT if tuple(words[k:k + len(a)]) == a), None)
        after = words[k + len(about):k + len(about) + 2] if about else []
        if about and after and not any(w in _WHEN or any(c.isdigit() for c in w)
                                       for w in after):
            first, last = said[k][1], said[kept[-1]][1]
            return " ".join(tokens[first:last + 1]).rstrip(" ,.;:!?")
    return ""


_LANG_FORMS = {"dansk": "da", "på dansk": "da", "in danish": "da", "данською": "da",
               "датською": "da", "in english": "en", "på engelsk": "en", "англійською": "en",
               "українською": "uk", "in ukrainian": "uk", "på ukrainsk": "uk",
               "по-українськи": "uk", "по-украински": "uk"}
_LANG_ASKING = frozenset("""
please kan jeg vi få tak venligst gerne tale snakke skrive svare du
can i we speak talk write use switch to answer you in on på
можна будь ласка ласка пишіть говоріть давайте будь
""".split())
"""Words said around a language's name when asking for it ("English please", "på dansk tak",
"можна українською?")."""


def match_language(text: str) -> str | None:
    """The language ``text`` names ("dansk", "English", "українська"), alone or asked for with
    a few words ("English please", "kan vi tale dansk", "можна українською?"), or None."""
    folded = normalise_command(text)
    if (found := _LANG_INDEX.get(folded)) is not None:
        return found
    said = folded.split()
    if not 1 < len(said) <= 6:
        return None
    found = {phrase: lang for phrase, lang in [*_LANG_INDEX.items(), *_LANG_FORMS.items()]
             if f" {phrase} " in f" {folded} "}
    named = set(found.values())
    covered = {w for phrase in found for w in phrase.split()}
    if len(named) == 1 and all(w in covered or w in _LANG_ASKING for w in said):
        return next(iter(named))
    return None


def match_resume(text: str) -> str | None:
    """The code in "resume K7M2QX" / "fortsæt K7M2QX" / "продовжити K7M2QX", or None (typed
    with Cyrillic look-alike letters too: "продовжити К7М2QХ")."""
    from assistant.booking.codes import normalise_code

    parts = normalise_command(text).split()
    if len(parts) == 2 and parts[0] in _RESUME_WORDS:
        return normalise_code(parts[1])
    return None


def command_words(command: str) -> tuple[str, ...]:
    return _WORDS[command]


_ENGLISH_ONLY = {normalise_command(w) for w in (
    "help", "back", "start over", "restart", "start again", "main menu", "language",
    "change language", "staff", "talk to staff", "talk to a person", "human",
    "call me back", "call me", "please call me back", "can you call me back",
    "can someone call me back", "finish", "end conversation", "i'm done", "i am done",
    "hello", "hi", "hey", "good morning", "good afternoon", "good evening")} | {
    normalise_command(f"{opening} {person}") for opening in _ASKS_FOR_A_PERSON["en"][0]
    for person in _ASKS_FOR_A_PERSON["en"][1] if opening}


_WHAT_OPENINGS = frozenset((
    "hvad", "hvordan", "hvorfor", "hvem", "hvornår", "hvornaar", "hvornar", "hvilke", "hvilken",
    "hvilket",
    "what", "how", "why", "who", "when", "which",
    "що", "як", "чому", "хто", "коли", "який", "яка", "яке", "які", "скільки", "навіщо"))
"""Openings of a question that asks for information ("hvad er voksenlærling?"), not for
something to be done ("kan jeg få et møde om voksenlærling?")."""
_QUESTION_OPENINGS = _WHAT_OPENINGS | {
    "hvor", "kan", "må", "maa", "ma", "skal", "får", "faar", "far", "har", "er",
    "where", "can", "could", "may", "do", "does", "is", "are", "will", "should",
    "де", "чи", "можна", "куди"}
"""Words a question opens with in Danish, English and Ukrainian ("hvad er dagpenge", "kan jeg
tage min mor med?"): those that ask for information, and those that ask for a yes or no."""


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text).casefold())


def asks_what(text: str) -> bool:
    """The message asks for information: two words or more, opened by a question word like
    "hvad", "how", "що". An option named inside it ("hvad er voksenlærling?") is not chosen."""
    words = _words(text)
    return len(words) >= 2 and words[0] in _WHAT_OPENINGS


def is_question(text: str) -> bool:
    """The message reads as a question: two words or more, and a question mark at its end or a
    question word at its start. In the middle of a guide such a message is not an answer to the
    step: the conversation answers it aside (see Conversation._aside)."""
    words = _words(text)
    if len(words) < 2:
        return False
    return text.rstrip().endswith("?") or words[0] in _QUESTION_OPENINGS


def language_of(text: str) -> str | None:
    """A language the first message of a conversation shows, or None when it does not tell.

    - Ukrainian: any Cyrillic letter ("привіт", "що таке særlov?").
    - English: an English-only command word ("hello"), or more English words
      (:data:`_ENGLISH_WORDS`) than Danish ones (:data:`_DANISH_WORDS`) and no æ, ø or å
      ("when are you open today?"; "can I get dagpenge?").
    - Danish: at least two points of Danish and more of them than English words
      (:data:`_ENGLISH_EVIDENCE`). Each clearly-Danish word (:data:`_CLEARLY_DANISH`: "jeg",
      "hvornår", "gerne", never one English also has, like "i", "have", "den") is a point,
      and an æ, ø or å in any other word is one more, once: a Danish term carries those
      letters, and an English or Ukrainian question may name one ("what is løntilskud?",
      "tell me about løntilskud og fleksjob" stay as they are). So "Hej, jeg vil gerne have
      hjælp til at finde et job" and "hvornår har I åbent i dag?" are Danish, and "jeg søger
      job" (one word and a letter) is too; a single word ("hej", "løntilskud") never is.
    """
    if any("\u0400" <= c <= "\u04ff" for c in text):
        return "uk"
    if normalise_command(text) in _ENGLISH_ONLY:
        return "en"
    words = _words(text)
    english = sum(w in _ENGLISH_WORDS for w in words)
    danish = sum(w in _DANISH_WORDS for w in words)
    lettered = any(c in "æøå" for w in words for c in w)
    if english > danish and not lettered:
        return "en"
    points = sum(w in _CLEARLY_DANISH for w in words) + any(
        c in "æøå" for w in words if w not in _CLEARLY_DANISH for c in w)
    if points >= 2 and points > sum(w in _ENGLISH_EVIDENCE for w in words):
        return "da"
    return None


def looks_danish(text: str) -> bool:
    """Whether ``text`` shows itself Danish: :func:`language_of` says so, or it could not place
    it and it has a Danish letter (æ, ø, å) or a common Danish word ("hej", "løntilskud")."""
    lang = language_of(text)
    if lang is not None:
        return lang == "da"
    words = _words(text)
    return any(c in "æøå" for w in words for c in w) or any(w in _DANISH_WORDS for w in words)


_ENGLISH_WORDS = frozenset((
    "hello", "hi", "what", "when", "where", "who", "why", "how", "which", "is", "are", "was",
    "you", "your", "the", "open", "opening", "opened", "closed", "address", "phone", "today",
    "tomorrow", "please", "thanks", "thank", "can", "could", "would", "need", "want", "my",
    "with", "about", "this", "week", "meeting", "appointment", "number", "work", "english",
    "speak", "there", "it", "does", "am", "get"))
"""English words that are no Danish words (or so rare in Danish that a message of them is
English): a first message with more of them than Danish words, and no æ, ø or å, is English."""
_DANISH_WORDS = frozenset((
    "hej", "hvad", "hvornår", "hvor", "hvem", "hvordan", "hvilken", "jeg", "er", "har", "og",
    "det", "du", "i", "kan", "til", "med", "ikke", "tak", "åbent", "lukket", "adresse",
    "telefon", "nummer", "dag", "min", "mit", "mine", "en", "et", "den", "at", "om", "vil",
    "skal", "godt", "goddag", "farvel", "ja", "nej", "jobcenter", "jobcentret", "tid", "ledig",
    "arbejde", "have", "find"))
"""Danish words (some also English, like "I"): they count against English."""
_CLEARLY_DANISH = frozenset((
    "hej", "hejsa", "goddag", "farvel", "nej", "jeg", "mig", "du", "jer", "jeres", "hun",
    "hvad", "hvornår", "hvornaar", "hvornar", "hvor", "hvem", "hvordan", "hvorfor", "hvilken",
    "hvilket", "hvilke", "hvis", "og", "eller", "ikke", "også", "ogsaa", "ogsa", "er", "har",
    "kan", "vil", "skal", "må", "maa", "gerne", "noget", "nogen", "det", "til", "med", "af",
    "fra", "på", "paa", "om", "efter", "hos", "mit", "dit", "få", "faa", "fået", "faaet",
    "hjælp", "hjaelp", "finde", "søge", "søger", "arbejde", "åbent", "aabent", "abent", "åben",
    "aaben", "lukket", "dag", "dage", "tid", "møde", "adresse", "nummer", "ledig",
    "jobcentret"))
"""Words only Danish has: none English ("sit", "bare"), nor Ukrainian typed in Latin letters
("den", "tak", "telefon"). Each is a point for Danish in :func:`language_of`."""
_ENGLISH_EVIDENCE = _ENGLISH_WORDS | frozenset((
    "a", "an", "and", "or", "of", "to", "in", "on", "me", "we", "our", "they", "tell",
    "do", "help", "apply", "mean", "means", "explain", "much", "many", "not", "if", "will",
    "should", "from", "i'm", "im", "benefit", "benefits", "pay", "say"))
"""English words a message that may be Danish is checked against: more of them than points of
Danish, and it is not Danish. Some are Danish words too ("to", two), so they only hold back
Danish and never make a message English."""


_NEW_CODE_PHRASES = tuple(tuple(phrase.split()) for phrase in (
    # Danish (also typed without æ, ø, å)
    "send koden igen", "send en ny kode", "send ny kode", "send igen", "ny kode",
    "en ny kode", "har ikke fået nogen kode", "har ikke fået koden", "har ikke fået en kode",
    "har ikke faaet nogen kode", "har ikke faaet koden", "har ikke faet nogen kode",
    "fik ingen kode", "fik ikke koden", "fik ikke nogen kode", "ingen kode",
    "koden kom ikke", "koden er ikke kommet", "kan i sende koden igen", "sende koden igen",
    # English
    "send the code again", "send it again", "send again", "send a new code",
    "send me a new code", "send me the code again", "resend", "resend the code", "new code",
    "a new code", "didn t get a code", "didn t get the code", "did not get a code",
    "did not get the code", "didnt get a code", "didnt get the code", "never got the code",
    "never got a code", "didn t receive", "did not receive", "haven t got a code",
    "haven t received", "no code", "the code didn t come", "the code did not come",
    "code not received",
    # Ukrainian
    "надішліть код ще раз", "надішліть код знову", "надішліть новий код",
    "надішліть ще раз", "надіслати код ще раз", "надіслати код знову", "надіслати ще раз",
    "відправте код ще раз", "відправте ще раз", "новий код", "не отримав код",
    "не отримала код", "не отримав коду", "не отримала коду", "не отримав кода",
    "код не прийшов", "не прийшов код", "код не надійшов", "не надійшов код", "немає коду",
))
"""Requests, at the SMS-code step, to send the code again ("jeg har ikke fået nogen kode",
"send the code again", "надішліть код ще раз"): one of these, in a short message."""
_NEW_CODE_MAX_WORDS = 10


def asks_for_new_code(text: str) -> bool:
    """``text`` asks for the SMS code to be sent again: a short message, with no digits, that
    holds one of :data:`_NEW_CODE_PHRASES` ("I didn't get a code", "send koden igen")."""
    if any(c.isdigit() for c in text):
        return False
    words = _words(text)
    if not words or len(words) > _NEW_CODE_MAX_WORDS:
        return False
    return any(tuple(words[i:i + len(p)]) == p
               for p in _NEW_CODE_PHRASES for i in range(len(words) - len(p) + 1))


_NO_BOOKING_CODE_WORDS = frozenset((
    "glemt", "glemte", "glemmer", "mistet", "forgot", "forgotten", "forget", "lost",
    "забув", "забула", "забули", "загубив", "загубила", "втратив", "втратила"))
"""Words that, in a short message at a booking-code step, say the code is forgotten or lost
("glemt", "I forgot my code", "я забув код")."""
_NO_BOOKING_CODE_PHRASES = tuple(tuple(_words(phrase)) for phrase in (
    # Danish (also typed without æ, ø, å)
    "ingen kode", "ingen bookingkode", "har ikke en kode", "har ikke nogen kode",
    "har ikke koden", "har ikke min kode", "har ikke bookingkoden", "kan ikke huske",
    "husker ikke", "ved ikke", "uden kode",
    # English
    "no code", "don't have", "do not have", "dont have", "haven't got", "have not got",
    "can't remember", "cannot remember", "don't remember", "do not remember", "don't know",
    "do not know", "without a code", "without code",
    # Ukrainian
    "не маю", "немає коду", "нема коду", "не пам'ятаю", "не памʼятаю", "не знаю",
    "без коду", "не маю коду",
))
_NO_BOOKING_CODE_MAX_WORDS = 10


def has_no_booking_code(text: str) -> bool:
    """``text``, at a booking-code step, says the user has no code or forgot it ("I don't have
    a code", "jeg har ingen kode", "я не маю коду", "glemt", "forgot"): a short message with no
    digits (a code has some) holding one of the words or phrases above."""
    if any(c.isdigit() for c in text):
        return False
    words = _words(text)
    if not words or len(words) > _NO_BOOKING_CODE_MAX_WORDS:
        return False
    if any(w in _NO_BOOKING_CODE_WORDS for w in words):
        return True
    return any(tuple(words[i:i + len(p)]) == p
               for p in _NO_BOOKING_CODE_PHRASES for i in range(len(words) - len(p) + 1))


@cache
def _view_words() -> frozenset[str]:
    """The kiosk's side-by-side button, typed: its labels in every language ("To sprog",
    "Two languages", "Дві мови", and "Ét sprog" / "One language" / "Одна мова" once it is
    on; channels/tui/conversation_view.command_label), and "et sprog" without the accent.
    Only the kiosk has the button: the core cannot turn the view on, but must not take the
    words for an answer either."""
    from assistant.i18n import tr

    labels = [*tr("Two languages").values(), *tr("One language").values(), "et sprog"]
    return frozenset(normalise_command(label) for label in labels)


def names_a_command(text: str) -> bool:
    """``text`` is one of the assistant's own words, not an answer in one's own words: a
    command (in any language), a language's name, "resume CODE", or a button's label. A
    free-text answer (a name) that is one of them is refused: "two languages" typed at the
    name step is not a name."""
    folded = normalise_command(text)
    return (folded in _INDEX or folded in _LANG_INDEX or folded in _view_words()
            or match_resume(text) is not None)
