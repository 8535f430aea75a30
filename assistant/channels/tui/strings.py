"""``tr``/``trn`` for the TUI, importing the catalogs on first use: the kiosk's language screen
is drawn before the heavy parts (database, content, catalogs) are loaded in a thread."""

from __future__ import annotations


def tr(msgid: str, **kwargs: object) -> dict[str, str]:
    from assistant.i18n import tr as translate

    return translate(msgid, **kwargs)


def trn(singular: str, plural: str, n: int, **kwargs: object) -> dict[str, str]:
    from assistant.i18n import trn as translate

    return translate(singular, plural, n, **kwargs)
