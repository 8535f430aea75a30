"""The sites a database holds, and which one a kiosk, web page or SMS number belongs to."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.store.db import one_statement
from assistant.store.models import Site
from assistant.text import LANGS

NO_SITE = ("This database has no jobcenter set up yet: run `jobcenter-assistant site apply "
           "FILE` (see sites/demo.yaml), or start with --demo.")
"""What kiosk, chat and serve print on a database with no site."""


def no_site_text() -> dict[str, str]:
    """NO_SITE in every language (the kiosk shows it on screen)."""
    from assistant.i18n import tr

    return tr("This database has no jobcenter set up yet: run `jobcenter-assistant site apply "
              "FILE` (see sites/demo.yaml), or start with --demo.")


@dataclass(frozen=True)
class SiteInfo:
    """A site as a conversation needs it: which one, whose entries, what the file says."""

    id: int
    code: str
    name: str
    municipality: str | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def names(self) -> dict[str, str]:
        """The site's name in each language: the site file's ``names``, else its ``name``
        as written (never a translation made up here)."""
        given = self.data.get("names")
        given = given if isinstance(given, dict) else {}
        return {lang: str(given.get(lang) or self.name) for lang in LANGS}

    @property
    def source(self) -> str:
        """The site file the local answers cite."""
        return str(self.data.get("source") or f"site {self.code}")

    @property
    def meeting_types(self) -> tuple[str, ...] | None:
        """The codes of the meeting types the site file lists, in its order; None when the
        stored data does not say (then every type is offered, as before)."""
        types = self.data.get("meeting_types")
        if not isinstance(types, list):
            return None
        return tuple(str(t["code"]) for t in types if isinstance(t, dict) and "code" in t)

    def has_meeting_type(self, code: str) -> bool:
        types = self.meeting_types
        return types is None or code in types

    @property
    def path(self) -> str | None:
        return (self.data.get("web") or {}).get("path")

    @property
    def hosts(self) -> list[str]:
        return [h.lower() for h in (self.data.get("web") or {}).get("hosts", [])]

    @property
    def numbers(self) -> list[str]:
        return list((self.data.get("sms") or {}).get("numbers", []))


def _info(row: Site) -> SiteInfo:
    assert row.id is not None
    return SiteInfo(row.id, row.code, row.name, row.municipality, json.loads(row.data or "{}"))


def all_sites(engine: Engine) -> list[SiteInfo]:
    """Every site, the first applied first. One read that takes no write lock (on SQLite a
    transaction takes it first: a read of the sites must not wait on a booking's)."""
    with DB(one_statement(engine)) as db:
        return [_info(row) for row in db.exec(select(Site).order_by(Site.id))]


class UnknownSite(LookupError):
    """``--site`` named a site the database does not have."""


@dataclass(frozen=True)
class Sites:
    """The sites of one database, read once (a process re-reads them when it starts)."""

    sites: tuple[SiteInfo, ...]

    @classmethod
    def load(cls, engine: Engine) -> Sites:
        return cls(tuple(all_sites(engine)))

    @property
    def empty(self) -> bool:
        return not self.sites

    def default(self) -> SiteInfo | None:
        """The site for a kiosk or request that names none: the first applied."""
        return self.sites[0] if self.sites else None

    def by_code(self, code: str | None) -> SiteInfo | None:
        """The site ``code`` (None: the default); raises :class:`UnknownSite`."""
        if code is None:
            return self.default()
        for site in self.sites:
            if site.code == code:
                return site
        raise UnknownSite(code)

    def by_id(self, site_id: int | None) -> SiteInfo | None:
        return next((s for s in self.sites if site_id is not None and s.id == site_id), None)

    def by_path(self, path: str) -> SiteInfo | None:
        return next((s for s in self.sites if s.path == path or s.code == path), None)

    def by_host(self, host: str | None) -> SiteInfo | None:
        name = (host or "").split(":")[0].lower()
        return next((s for s in self.sites if name and name in s.hosts), None)

    def retention_days(self) -> int | None:
        """How long conversations are kept: the shortest any site's file asks for (they
        share one database), or None when no site says."""
        days = [int(s.data["retention_days"]) for s in self.sites if s.data.get("retention_days")]
        return min(days) if days else None

    def by_number(self, number: str | None) -> SiteInfo | None:
        """The site whose SMS number ``number`` (the gateway's ``To``) is; else the default."""
        wanted = (number or "").replace(" ", "")
        found = next((s for s in self.sites if wanted and wanted in s.numbers), None)
        return found or self.default()
