"""The web API's requests and replies as typed models: the OpenAPI document at /openapi.json
is generated from them (web.py), and the handlers read requests through them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

MAX_TEXT = 2000
"""The longest message the API takes, in characters (code points)."""
Lang = Literal["da", "en", "uk"]


class NewSession(BaseModel):
    lang: Lang = Field("da", description="the conversation's language")
    site: str | None = Field(None, max_length=40, pattern=r"^[a-z0-9-]+$",
                             description="the jobcenter (its site file's web path or name); "
                                         "default: the one for the request's host, else the "
                                         "first")


class NewLanguage(BaseModel):
    lang: Lang = Field(description="the language the conversation goes on in (the page's "
                                   "language menu; never an answer to the question asked)")


class NewMessage(BaseModel):
    text: str = Field(max_length=MAX_TEXT, description="what the citizen wrote")


class CalendarRequest(BaseModel):
    code: str = Field(pattern=r"^[A-Za-z0-9 -]{1,12}$", description="the booking's code")
    phone: str = Field(pattern=r"^\+?[0-9 ]{8,20}$",
                       description="the Danish phone number it was booked with")


class SmsForm(BaseModel):
    """What an SMS gateway posts (Twilio's form fields). A From, To or MessageSid longer
    than 64 characters, or with a control character in it, is answered 400."""

    From: str = Field("", max_length=64)
    To: str = Field("", max_length=64)
    Body: str = ""
    MessageSid: str = Field("", max_length=64)


class Option(BaseModel):
    key: str
    label: str


class SayItem(BaseModel):
    type: Literal["say"]
    tone: Literal["info", "prompt", "error", "notice", "staff", "title"] = Field(
        description="title: the name of the flow the user is in (a heading); staff: what a "
                    "member of staff wrote, or that one joined or left")
    text: str
    lang: Lang | None = Field(None, description="the language of the text when it is not "
                                                "the reply's (a Danish copy for staff)")


class Row(BaseModel):
    label: str
    value: str


class ConfirmationItem(BaseModel):
    """A booking confirmed: a card with the code large."""

    type: Literal["confirmation"]
    heading: str
    code_label: str
    code: str
    rows: list[Row]
    notes: list[str]
    calendar: str | None = Field(description="the booking's .ics file, for this conversation")
    calendar_label: str | None


class ChoicesItem(BaseModel):
    type: Literal["choices"]
    multi: bool
    options: list[Option]


class CardItem(BaseModel):
    type: Literal["card"]
    id: str
    title: str
    body: str
    source: str | None = Field(None, description="where the answer comes from, in words "
                                                 "(\"Source: ...\"), to show under it")


class Reply(BaseModel):
    """What the conversation says, and the page's own labels in its language."""

    session: str
    lang: Lang
    reply: list[Annotated[SayItem | ChoicesItem | CardItem | ConfirmationItem,
                          Field(discriminator="type")]]
    ui: dict[str, str]
    turn: int = Field(description="the conversation's turns so far: ask "
                                  "GET /api/sessions/{token}/news?after=turn for what staff "
                                  "send after it")
    staff: bool = Field(description="a member of staff has the conversation, or the citizen "
                                    "waits for one: ask for news every few seconds")
    ended: bool = Field(False, description="the citizen finished the conversation "
                                           "(\"afslut\", \"finish\"): its token no longer "
                                           "opens it; start a new one")
    said: str | None = Field(None, description="the message this reply answers, as the "
                                               "conversation keeps it (a CPR number masked): "
                                               "show this as the user's line, not what was "
                                               "typed; null when no message was sent")


Item = Annotated[SayItem | ChoicesItem | CardItem | ConfirmationItem,
                 Field(discriminator="type")]


class HistoryTurn(BaseModel):
    said: str = Field(description="what the user sent (an option's number with its label)")
    lang: Lang = Field(description="the language of this turn's reply")
    reply: list[Item]


class History(BaseModel):
    """The conversation so far, oldest first (at most the last 200 turns)."""

    session: str
    lang: Lang
    turns: list[HistoryTurn]


class ErrorDetail(BaseModel):
    code: str = Field(description="what went wrong, for the program (e.g. bad_lang, busy)")
    message: str = Field(description="what went wrong, for a developer, in English")


class ErrorBody(BaseModel):
    error: ErrorDetail


class UiStrings(BaseModel):
    lang: Lang
    strings: dict[str, str]
    languages: dict[str, str]


class Health(BaseModel):
    ok: bool


def body(model: type[BaseModel], media_type: str = "application/json",
         required: bool = True) -> dict[str, Any]:
    """An operation's request body for ``model``: the handlers read the body themselves, to
    bound its size and to answer bad input with the API's own errors."""
    return {"requestBody": {"required": required, "content": {
        media_type: {"schema": model.model_json_schema()}}}}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The JSON error replies an operation gives, by status (the same on every operation,
    whatever media type its success has)."""
    said = {400: "bad input", 404: "not found", 413: "too large or too long",
            429: "too many requests from this address", 503: "busy with other messages to "
            "this conversation, or the database cannot be reached: try again"}
    schema = {"$ref": "#/components/schemas/ErrorBody"}
    return {code: {"description": said[code], "content": {"application/json": {
        "schema": schema}}} for code in codes}


def error_schemas() -> dict[str, Any]:
    """The document's components that :func:`errors` refers to."""
    schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    return {"ErrorBody": schema, **schema.pop("$defs")}


def path(name: str, description: str) -> dict[str, Any]:
    """A parameter in the path. The handlers read it from the request themselves and answer
    a bad one with the API's own 404 (for a typed parameter, FastAPI would document a 422
    that no handler sends)."""
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string"}}


TOKEN = path("token", "the conversation's token, from POST /api/sessions")
AFTER = {"name": "after", "in": "query", "required": False,
         "description": "the turn the page has shown (the reply's 'turn')",
         "schema": {"type": "string"}}
TWIML = {"application/xml": {"schema": {"type": "string"}}}
