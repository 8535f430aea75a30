"""The command line: `jobcenter-assistant` (see DESIGN.md for the contract)."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.text import LANGS


def _database_options(default: object) -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--db", default=default,
                         help="database URL (default: $ASSISTANT_DB or a SQLite file in the "
                              "user's data directory)")
    options.add_argument("--demo", action="store_true", default=default or False,
                         help="fill an empty database with the fictitious example site "
                              "(sites/demo.yaml: staff, hours, meeting types)")
    return options


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"a TCP port is a whole number from 1 to 65535, "
                                         f"not {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    # A subcommand's --db and --demo have no default of their own: one given before the
    # subcommand (`--db URL chat`) is not overwritten by the subcommand's parser.
    common = _database_options(argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="jobcenter-assistant", parents=[_database_options(None)],
                                     description="Jobcenter Assistant")
    parser.add_argument("--lang", choices=LANGS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command")

    kiosk = sub.add_parser("kiosk", parents=[common], help="the kiosk TUI (default)")
    kiosk.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS)
    kiosk.add_argument("--idle", type=float, default=90.0,
                       help="seconds without input before the screen is wiped (default 90)")
    kiosk.add_argument("--high-contrast", action="store_true")
    kiosk.add_argument("--interpreter", action="store_true",
                       help="show the citizen's language and Danish side by side")
    kiosk.add_argument("--place", default=None, metavar="NAME",
                       help="this kiosk's name, as staff see it in their queue (e.g. 'Lobby 1')")
    kiosk.add_argument("--site", help="the jobcenter (site) this kiosk stands at "
                                      "(default: the database's first)")

    staff = sub.add_parser("staff", parents=[common], help="the staff TUI")
    staff.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS,
                       help="the screens' language (default: the first language of whoever "
                            "logs in)")
    staff_sub = staff.add_subparsers(dest="staff_command")
    add = staff_sub.add_parser("add", parents=[common],
                               help="add a member of staff or set a PIN (PIN read from stdin)")
    add.add_argument("--initials", required=True)
    add.add_argument("--name", default="")
    add.add_argument("--languages", default="da")
    add.add_argument("--competences", default="")
    add.add_argument("--site", help="the site a new member of staff works at (default: the "
                                    "database's only one)")

    chat = sub.add_parser("chat", parents=[common], help="a conversation on stdin/stdout")
    chat.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS)
    chat.add_argument("--channel", choices=("text", "sms"), default="text")
    chat.add_argument("--session", help="resume (or create) the session with this name")
    chat.add_argument("--site", help="the jobcenter (site) to talk to (default: the first)")

    ask = sub.add_parser("ask", parents=[common], help="one knowledge search")
    ask.add_argument("question")
    ask.add_argument("--lang", choices=LANGS, default="da")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--top", type=int, default=3,
                     help="how many results, 1-20 (default 3; a number outside is taken as "
                          "the nearest of the two)")
    ask.add_argument("--audience", choices=("citizen", "staff"), default="citizen")

    serve = sub.add_parser("serve", parents=[common], help="web page, JSON API, SMS webhook")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8080)
    serve.add_argument("--pool", type=_positive, metavar="N",
                       help="connections to a database server, and so turns at once "
                            "(default: $ASSISTANT_DB_POOL, else 4)")
    serve.add_argument("--log-json", action="store_true",
                       help="log lines as JSON objects (one a line, on stderr)")
    serve.add_argument("--tui", type=int, nargs="?", const=4, default=0, metavar="SESSIONS",
                       help="also serve the kiosk TUI in the browser at /tui, at most SESSIONS "
                            "at once (default 4); needs the tui-web extra (textual-serve)")
    serve.add_argument("--forwarded-allow-ips", metavar="IPS",
                       help="comma-separated addresses of trusted proxies (load balancers) "
                            "whose X-Forwarded-For names the client, or '*' "
                            "(default: $FORWARDED_ALLOW_IPS, else 127.0.0.1)")

    privacy = sub.add_parser("privacy", help="retention and citizens' data requests")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    for name, text in (("export", "everything held about a phone number, as JSON"),
                       ("delete", "erase what is held about a phone number")):
        req = privacy_sub.add_parser(name, parents=[common], help=text)
        req.add_argument("--phone", required=True)
        req.add_argument("--staff", default="cli", help="initials for the audit log")
        if name == "export":
            req.add_argument("--with-mentions", action="store_true",
                             help="also the text of the conversations that only mention the "
                                  "number (they may be someone else's), for staff to review "
                                  "before anything is handed out; the audit log says so")
    scan = privacy_sub.add_parser("scan", parents=[common],
                                  help="count CPR numbers already stored (counts only)")
    scan.add_argument("--redact", action="store_true", help="and mask them where they are")
    purge = privacy_sub.add_parser("purge", parents=[common],
                                   help="delete old conversations, anonymise old bookings")
    purge.add_argument("--days", type=int, default=None,
                       help="keep conversations this long (default: the site files' "
                            "retention_days, the shortest of them, else 30)")
    purge.add_argument("--anonymise-after", type=int, default=None,
                       help="anonymise bookings this many days after the meeting (default: "
                            "the site files' retention_days, else 30)")

    outbox = sub.add_parser("outbox", help="queued SMS: receipts, reminders, notices")
    outbox_sub = outbox.add_subparsers(dest="outbox_command", required=True)
    send = outbox_sub.add_parser("send", parents=[common], help="send the messages that are due")
    send.add_argument("--metrics", type=Path, metavar="FILE",
                      help="also write how many were sent and failed to FILE, in Prometheus' "
                           "text format (for node_exporter's textfile collector)")

    db = sub.add_parser("db", help="the database's schema (migrations)")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", parents=[common],
                      help="migrate the database to this version's schema (every command "
                           "that opens the database does so first too)")
    db_sub.add_parser("current", parents=[common],
                      help="the revision the database is at, and the newest")

    site = sub.add_parser("site", help="the jobcenter's site file (see sites/demo.yaml)")
    site_sub = site.add_subparsers(dest="site_command", required=True)
    check = site_sub.add_parser("check", help="check a site file; file:line for each problem")
    check.add_argument("file", type=Path)
    apply = site_sub.add_parser("apply", parents=[common],
                                help="make the database say what the site file says; prints "
                                     "each change (never deletes a booking)")
    apply.add_argument("file", type=Path)
    apply.add_argument("--dry-run", action="store_true", help="print the changes, make none")

    kb = sub.add_parser("kb", help="knowledge-base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    lint = kb_sub.add_parser("lint", help="check knowledge/, flows/ and i18n/")
    lint.add_argument("--knowledge", type=Path, help="knowledge folder (default: the shipped one)")
    lint.add_argument("--flows", type=Path, help="flows folder (default: the shipped one)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:
        # the reader went away (`ask ... | head`): what is left to print has nowhere to go.
        # Python would report the pipe again when it flushes stdout at exit; point it at
        # /dev/null first (the way the Python docs give for SIGPIPE)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # as a shell reports a command stopped by SIGPIPE (128 + 13)
    except Exception as exc:
        # Imported here, not before the command runs: SQLAlchemy takes most of a second to
        # import, and the kiosk's first screen needs none of it (see channels/tui/kiosk.py).
        from sqlalchemy.exc import ArgumentError, DatabaseError, IntegrityError, NoSuchModuleError

        if isinstance(exc, IntegrityError) or not isinstance(
                exc, ArgumentError | NoSuchModuleError | DatabaseError):
            raise  # an integrity error is a bug of ours, not a database that cannot be used
        # A database that cannot be reached or a URL that makes no sense: say so, no traceback.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"jobcenter-assistant: cannot use the database: {reason}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    command = args.command or "kiosk"
    if command == "kb":
        from assistant.knowledge.lint import lint_all

        problems = lint_all(args.knowledge, args.flows)
        for problem in problems:
            print(problem)
        print(f"kb lint: {len(problems)} problem(s)", file=sys.stderr)
        return 1 if problems else 0
    if command == "ask":
        return _ask(args)
    if command == "site":
        return _site(args)
    if command == "chat":
        from assistant.app import load_content, open_store
        from assistant.channels.text import run_chat

        # Lines are UTF-8 whatever the locale; a line that is not is read, with its bad bytes
        # replaced, instead of ending the conversation.
        for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "strict")):
            if isinstance(stream, io.TextIOWrapper):
                stream.reconfigure(encoding="utf-8", errors=errors)
        store = open_store(args.db, demo=args.demo or None)
        site = _site_of(store, args.site)
        if site is False:
            return 2
        return run_chat(load_content(), store, lang=args.lang, channel=args.channel,
                        session_key=args.session, site=site or None)
    if command == "kiosk":
        from assistant.channels.tui.kiosk import KioskApp

        def content():  # loaded while the first screen is already up
            from assistant.app import load_content

            return load_content()

        def store():
            from assistant.app import open_store

            return open_store(args.db, demo=args.demo or None)

        kiosk = KioskApp(content, store, lang=getattr(args, "lang", None),
                         idle_seconds=getattr(args, "idle", 90.0),
                         high_contrast=getattr(args, "high_contrast", False),
                         bilingual=getattr(args, "interpreter", False),
                         place=getattr(args, "place", None),
                         site=getattr(args, "site", None))
        kiosk.run()
        if kiosk.bad_site:
            print(f"jobcenter-assistant: {kiosk.bad_site}", file=sys.stderr)
        if kiosk.no_site:  # said on the screen too; here it stays after the kiosk ends
            from assistant.site.registry import NO_SITE

            print(NO_SITE, file=sys.stderr)
        return kiosk.return_code or 0  # 1 when it ended on an error (a failed load)
    if command == "staff":
        return _staff(args)
    if command == "db":
        return _db(args)
    if command == "privacy":
        return _privacy(args)
    if command == "outbox":
        import logging

        from assistant.app import open_store
        from assistant.channels.outbox import gateway_from_environment, send_due

        # what the gateway logs goes to stderr: without an SMS gateway, that is the messages
        # (masked numbers; a one-time code, so the demo can prove a number)
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        counts: dict[str, int] = {}
        sent = send_due(open_store(args.db).engine, gateway_from_environment(), counts=counts)
        print(f"sent {sent}")
        if args.metrics:
            from assistant.channels.outbox import write_metrics

            write_metrics(args.metrics, counts)
        return 0
    if command == "serve":
        from assistant.app import load_content, open_store, settle
        from assistant.channels.web import make_app, serve, webhook_misconfigured

        if (problem := webhook_misconfigured()) is not None:
            print(f"jobcenter-assistant serve: {problem}", file=sys.stderr)
            return 2
        if args.tui:
            from assistant.channels.web_tui import available

            if not available():
                print("jobcenter-assistant serve --tui needs textual-serve: "
                      "pip install 'jobcenter-assistant[tui-web]'", file=sys.stderr)
                return 2
        store = open_store(args.db, demo=args.demo or None, pool=args.pool)
        _site_of(store, None)  # says so when the database has no site yet
        app = make_app(load_content(), store, tui_sessions=max(args.tui, 0))
        settle()
        serve(app, args.host, args.port, args.forwarded_allow_ips, json_logs=args.log_json)
        return 0
    print(f"jobcenter-assistant {command}: not available in this version yet.", file=sys.stderr)
    return 2


def _site_of(store: object, code: str | None) -> object:
    """The site ``code`` names (or the first); None, with the NO_SITE line on stderr, when
    the database has none; False, said on stderr, when ``code`` is not one of them."""
    from assistant.site.registry import NO_SITE, UnknownSite

    sites = store.sites()  # type: ignore[attr-defined]
    if sites.empty:
        print(NO_SITE, file=sys.stderr)
        return None
    try:
        return sites.by_code(code)
    except UnknownSite:
        names = ", ".join(s.code for s in sites.sites)
        print(f"jobcenter-assistant: no site {code!r} in this database (it has: {names})",
              file=sys.stderr)
        return False


def _site(args: argparse.Namespace) -> int:
    from assistant.site.spec import SiteError, load_site

    try:
        spec = load_site(args.file)
    except SiteError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"site check: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    if args.site_command == "check":
        staff = f", {len(spec.staff)} staff" if spec.staff is not None else ""
        print(f"{args.file}: site {spec.code} ({spec.name}) is valid: "
              f"{len(spec.data['meeting_types'])} meeting types{staff}")
        return 0
    from assistant.app import open_store
    from assistant.site.apply import Refused, apply_site

    store = open_store(args.db, demo=False)
    try:
        applied = apply_site(store.engine, spec, dry_run=args.dry_run)
    except Refused as exc:
        for reason in exc.reasons:
            print(f"refused: {reason}", file=sys.stderr)
        print("site apply: nothing was changed", file=sys.stderr)
        return 1
    assert applied is not None
    for change in applied.changes:
        print(change)
    if not applied.changes:
        print(f"site {spec.code}: no changes")
    elif args.dry_run:
        print("(dry run: nothing was changed)")
    return 0


def _db(args: argparse.Namespace) -> int:
    from assistant.store.db import make_engine, resolve_url
    from assistant.store.migrate import head, revision, upgrade

    engine = make_engine(resolve_url(args.db)[0], migrate=False)
    if args.db_command == "current":
        print(f"{revision(engine) or 'none'} (newest {head()})")
        return 0
    was, now = upgrade(engine)
    print(f"up to date at {now}" if was == now else f"upgraded from {was or 'none'} to {now}")
    return 0


def _privacy(args: argparse.Namespace) -> int:
    from assistant import retention
    from assistant.app import open_store
    from assistant.validators import foreign_phone, validate

    if args.privacy_command == "purge":  # a timer's journal: only a migration that runs
        import logging

        logging.basicConfig(level=logging.INFO, format="%(message)s")
    store = open_store(args.db)
    if args.privacy_command == "purge":
        site_days = store.sites().retention_days()
        counts = retention.purge(store.engine, keep_days=args.days or site_days or 30,
                                 anonymise_after_days=args.anonymise_after or site_days or 30)
        print(json.dumps(counts))
        return 0
    if args.privacy_command == "scan":
        found = retention.scan_cpr(store.engine, redact=args.redact)
        print(json.dumps({"redacted" if args.redact else "found": found,
                          "total": sum(found.values())}, ensure_ascii=False))
        if args.redact:
            retention.audit(store.engine, "cli", "privacy_scan", redacted=sum(found.values()))
        return 0
    import datetime as dt

    from assistant.validators import Valid

    checked = validate("phone", args.phone, {}, dt.date.today())
    phone = checked.value if isinstance(checked, Valid) else foreign_phone(args.phone)
    if phone is None:
        print("Not a valid phone number: a Danish one, or a foreign one with + and its "
              "country code.", file=sys.stderr)
        return 2
    if args.privacy_command == "export":
        print(json.dumps(retention.export(store.engine, phone, args.staff,
                                          with_mentions=args.with_mentions),
                         ensure_ascii=False, indent=2))
    else:
        print(json.dumps(retention.erase(store.engine, phone, args.staff)))
    return 0


def _staff(args: argparse.Namespace) -> int:
    from assistant.app import load_content, open_store

    store = open_store(args.db, demo=args.demo or None)
    if args.staff_command == "add":
        import getpass

        from assistant.staff import add_staff, staff_problem, valid_pin

        problem = staff_problem(args.initials, args.name, args.languages, args.competences)
        if problem:
            print(problem, file=sys.stderr)
            return 2
        pin = getpass.getpass("PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
        if not valid_pin(pin):
            print("A PIN is 4 to 12 digits.", file=sys.stderr)
            return 2
        site = _site_of(store, args.site) if args.site else None
        if site is False:
            return 2
        row = add_staff(store.engine, args.initials, args.name, pin, args.languages,
                        args.competences, site_id=site.id if site else None)
        print(f"PIN set for {row.initials}.")
        return 0
    from assistant.channels.tui.staff import StaffApp

    app = StaffApp(load_content(), store, lang=getattr(args, "lang", None))
    app.run()
    return app.return_code or 0


def _ask(args: argparse.Namespace) -> int:
    from assistant.channels.render import render_text
    from assistant.knowledge.base import KnowledgeBase
    from assistant.outputs import Card
    from assistant.privacy import redact_cpr

    question = redact_cpr(args.question)  # searched and echoed as the kiosk does: masked
    kb = KnowledgeBase.load()
    result = kb.search(question, audience=args.audience, top=max(1, min(args.top, 20)))
    lang = args.lang
    if args.json:
        payload = {
            "query": question,
            "lang": lang,
            "outcome": result.outcome,
            "results": [kb.record(h, lang) for h in result.hits],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    if result.outcome == "none":
        print(render_text(kb.answer(question, lang), lang))
        return 0
    for hit in result.hits:
        if hit.entry is None:
            assert hit.passage is not None
            print(f"[source passage] {hit.passage.heading or hit.passage.file}\n"
                  f"{hit.passage.text}\n({hit.passage.ref}, {hit.score:.0f})\n")
            continue
        card = Card(hit.entry.id, hit.entry.title, hit.entry.body)
        print(render_text([card], lang))
        print(f"({hit.entry.id}, {hit.score:.0f})\n")
    return 0
