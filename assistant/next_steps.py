"""What to offer after a free-text knowledge answer: the guided flow that goes through the
answered entry (or booking a meeting when none does), the entries it points to, and talking to
staff. Every channel gets these as numbered options."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.i18n import tr
from assistant.outputs import Card, Choice
from assistant.text import Text

if TYPE_CHECKING:
    from assistant.conversation import Content
    from assistant.flow.model import Flow

FLOW = "flow:"
ENTRY = "entry:"
BOOK_FLOW = "book"
MAX_FLOWS = 2
MAX_ENTRIES = 1


def guides_through(entry_id: str, content: Content, channel: str | None = None) -> list[Flow]:
    """The menu's guides (those offered on ``channel``, when given) that show ``entry_id``."""
    return [flow for flow in content.menu_flows(channel)
            if any(step.entry == entry_id for step in flow.steps.values())]


def guide_label(flow: Flow) -> Text:
    """A guide offered beside entries: "Step by step: Voksenlærling" (the guide and its
    entry may share a title)."""
    return tr("Step by step: {title}", title=flow.title)


def next_steps(card: Card, content: Content, municipality: str | None = None,
               channel: str | None = None) -> tuple[Choice, ...]:
    """Options after ``card``; each value is ``flow:<id>`` or ``entry:<id>`` (related entries
    only of ``municipality`` and national ones, when given; guides only those offered on
    ``channel``, when given)."""
    from assistant.conversation import STAFF_FLOW  # the conversation imports this module

    steps: list[tuple[Text, str]] = []
    flows = guides_through(card.entry_id, content, channel)
    if not flows and BOOK_FLOW in content.flows:
        flows = [content.flows[BOOK_FLOW]]
    related = [c for c in (content.knowledge.card(entry_id, municipality=municipality)
                           for entry_id in card.related) if c is not None][:MAX_ENTRIES]
    # a guide named as the answer or an entry offered beside it ("Voksenlærling") is told
    # apart from them: "2. Voksenlærling 3. Voksenlærling" reads as one thing twice
    titles = {title for c in (card, *related) for title in c.title.values()}
    steps.extend((guide_label(flow) if titles & set(flow.title.values()) else flow.title,
                  FLOW + flow.id)
                 for flow in flows[:MAX_FLOWS])
    steps.extend((other.title, ENTRY + other.entry_id) for other in related)
    steps.append((tr("Talk to staff"), FLOW + STAFF_FLOW))
    return tuple(Choice(str(number), label, value)
                 for number, (label, value) in enumerate(steps, 1))
