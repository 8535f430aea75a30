"""Prometheus metrics for `serve` (prometheus_client), each app its own registry.

Labels are small fixed sets (channel, outcome, language, route template, meeting kind):
never a phone number, a session token, a name or what anyone wrote.
"""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from assistant.conversation import Conversation
from assistant.outputs import Done, Output

CONTENT_TYPE = CONTENT_TYPE_LATEST
DONE_KINDS = ("booking", "cancel", "checkin", "callback")


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.turns = Counter("assistant_turns", "Conversation turns by channel and outcome "
                             "(flow, command, menu, local, answer, suggest, none, error)",
                             ["channel", "outcome"], registry=self.registry)
        self.searches = Counter("assistant_searches", "Knowledge searches by language and "
                                "outcome (answer, suggest, none)", ["lang", "outcome"],
                                registry=self.registry)
        self.done = Counter("assistant_bookings", "Bookings made, cancelled, checked in, and "
                            "callbacks asked for, by channel", ["channel", "kind"],
                            registry=self.registry)
        self.sms = Counter("assistant_sms", "SMS replies to the webhook: sent (a reply), "
                           "empty (none due, e.g. after STOP) or failed (busy, error)",
                           ["outcome"], registry=self.registry)
        self.latency = Histogram("assistant_request_seconds", "HTTP request latency by route "
                                 "template and method", ["route", "method"],
                                 registry=self.registry)
        for outcome in ("sent", "empty", "failed"):
            self.sms.labels(outcome)  # shown as 0 before the first

    def turn(self, channel: str, convo: Conversation, outputs: Sequence[Output]) -> None:
        """Count one answered turn."""
        self.turns.labels(channel, convo.outcome).inc()
        if convo.searched is not None:
            self.searches.labels(*convo.searched).inc()
        for out in outputs:
            if isinstance(out, Done) and out.kind in DONE_KINDS:
                self.done.labels(channel, out.kind).inc()

    def scrape(self) -> bytes:
        return generate_latest(self.registry)
