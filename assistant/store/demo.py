"""Demo data for a first run: the fictitious example site file (sites/demo.yaml).

It is no jobcenter's real address, phone, hours or people; a jobcenter writes its own site
file and applies it with `jobcenter-assistant site apply FILE`.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine


def seed_demo(engine: Engine) -> bool:
    """Apply the example site to an empty database. Returns False if it already had a site
    or staff."""
    from assistant.site.apply import apply_site
    from assistant.site.spec import example_path, load_site

    return apply_site(engine, load_site(example_path()), only_if_empty=True) is not None
