"""The command-line contract, run as other tools run it: real processes, stdin/stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run(args: list[str], stdin: str = "", tmp_path=None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    if tmp_path is not None:
        env["ASSISTANT_DB"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize(("lang", "expected"), [
    ("uk", ["Записатися на зустріч", "Учнівство для дорослих (voksenlærling)",
            "Поговорити з працівником"]),
    ("da", ["Book et møde", "Voksenlærling", "Tal med en medarbejder"]),
    ("en", ["Book a meeting", "Adult apprenticeship", "Talk to staff"]),
])
def test_chat_menu_lists_the_flows_in_each_language(lang: str, expected: list[str],
                                                     tmp_path) -> None:
    result = run(["chat", "--lang", lang], "menu\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("\n\n") and result.stdout.count("\n\n") == 1
    for text in expected:
        assert text in result.stdout


def test_chat_exits_0_at_end_of_input_with_one_block_per_line(tmp_path) -> None:
    result = run(["chat", "--lang", "en", "--channel", "sms"], "menu\n1\nback\n\n", tmp_path)
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("\n\n")[:-1]
    assert len(blocks) == 4
    assert "1 Book a meeting" in blocks[0]
    assert "Please write something" in blocks[3]


def test_ask_json_contract_and_out_of_scope(tmp_path) -> None:
    result = run(["ask", "order me a pizza", "--lang", "en", "--json"])
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"query", "lang", "outcome", "results"}
    assert payload["outcome"] == "none" and payload["results"] == []
    assert payload["query"] == "order me a pizza" and payload["lang"] == "en"


def test_ask_never_prints_a_cpr_number_typed_into_the_question(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`ask --json` printed the query as typed, CPR number and all (where the kiosk masks it
    before anything else): it is masked in the query printed, and searched masked."""
    from assistant.cli import main
    from assistant.privacy import CPR_MASK

    def ask(*args: str) -> str:
        assert main(["ask", *args]) == 0
        return capsys.readouterr().out

    masked = json.loads(ask(f"mit cpr-nummer er {CPR_MASK}, hvad er dagpenge", "--json"))
    for cpr in ("010190-1234", "01 01 90 1234", "0101901234", "01.01.1990-1234"):
        question = f"mit cpr-nummer er {cpr}, hvad er dagpenge"
        payload = json.loads(ask(question, "--json"))
        assert payload["query"] == f"mit cpr-nummer er {CPR_MASK}, hvad er dagpenge"
        assert payload == masked, "searched as the kiosk searches it: masked"
    printed = ask(question, "--json", "--audience", "staff") + ask(question) + \
        ask(question, "--audience", "staff")
    assert cpr not in printed and CPR_MASK in printed, printed


def test_ask_gives_staff_a_source_passage_with_its_own_line_range() -> None:
    question = ("hvor mange fuldtidspersoner på offentlig forsørgelse ville Slagelse have "
                "i 2020, hvis Finansministeriets forventning blev realiseret")
    staff = json.loads(run(["ask", question, "--audience", "staff", "--json"]).stdout)
    kinds = [r["kind"] for r in staff["results"]]
    assert staff["outcome"] == "suggest" and "passage" in kinds
    assert kinds == sorted(kinds, key=lambda k: k != "entry"), "entries come first"
    passage = staff["results"][kinds.index("passage")]
    assert "10.918" in passage["text"] and passage["review_by"] is None
    assert passage["sources"][0]["ref"] == passage["id"]
    assert passage["id"].startswith("seeds/001_") and passage["lang"] == "da"
    citizen = json.loads(run(["ask", question, "--json"]).stdout)
    assert all(r["kind"] == "entry" for r in citizen["results"])


def test_staff_add_reads_the_pin_from_stdin_and_stores_only_a_hash(tmp_path) -> None:
    bad = run(["staff", "add", "--initials", "ab", "--name", "Anne B"], "12\n", tmp_path)
    assert bad.returncode == 2 and "4 to 12 digits" in bad.stderr
    good = run(["staff", "add", "--initials", "ab", "--name", "Anne B"], "4821\n", tmp_path)
    assert good.returncode == 0, good.stderr
    import sqlite3

    con = sqlite3.connect(tmp_path / "cli.sqlite3")
    (stored,) = con.execute("select pin_hash from staff where initials='AB'").fetchone()
    assert stored.startswith("scrypt$") and "4821" not in stored


def test_db_given_before_the_subcommand_is_the_one_used(tmp_path) -> None:
    chosen = tmp_path / "chosen.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANT_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")  # the default database, if it were used
    result = subprocess.run([sys.executable, "-m", "assistant", "--db", f"sqlite:///{chosen}",
                             "chat", "--lang", "en"], input="menu\n", capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert chosen.exists()
    assert not (tmp_path / "data").exists()


def test_chat_takes_a_line_that_is_not_utf8(tmp_path) -> None:
    # PYTHONIOENCODING=utf-8 reads strictly, as under a real UTF-8 locale (C.UTF-8 does not)
    env = {**os.environ, "ASSISTANT_DB": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
           "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "assistant", "chat", "--lang", "en"],
                            input=b"menu\n\xff\xfe hej\nmenu\n", capture_output=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stdout.decode().count("Book a meeting") == 3, result.stdout.decode()


def test_lint_of_a_folder_that_is_missing_or_empty_fails(tmp_path) -> None:
    for folder in (tmp_path / "missing", tmp_path):
        result = run(["kb", "lint", "--knowledge", str(folder), "--flows", str(folder)])
        assert result.returncode == 1
        assert result.stdout.startswith(f"{folder}:1: ")  # file:line, as for every problem


def test_chat_sms_channel_holds_what_an_sms_reply_holds(tmp_path) -> None:
    from assistant.channels.sms import fits

    result = run(["chat", "--lang", "uk", "--channel", "sms"],
                 "що таке voksenlærling\nще\nSTOP\nменю\n", tmp_path)
    assert result.returncode == 0, result.stderr
    long_answer, more, stopped, after_stop = result.stdout.split("\n\n")[:4]
    assert long_answer.endswith("Надішліть ЩЕ, щоб отримати решту.")  # cut, as over SMS
    assert fits(long_answer) and fits(more)
    assert more and more != long_answer
    assert stopped == "" and after_stop == ""  # STOP: no replies until START


@pytest.mark.parametrize("url", ["garbage", "bogus://", "sqlite:////nonexistent/dir/x.sqlite3",
                                 "not a database file", "", "  ", "mysql://x@127.0.0.1/y",
                                 "postgresql+asyncpg://x@127.0.0.1/y"])
def test_a_database_that_cannot_be_used_is_one_clear_line_and_exit_2(url: str,
                                                                      tmp_path) -> None:
    if url == "not a database file":
        (tmp_path / "notes.txt").write_text("shopping list\n" * 200)
        url = f"sqlite:///{tmp_path / 'notes.txt'}"
    result = run(["chat", "--db", url], "menu\n")
    assert result.returncode == 2
    assert result.stderr.startswith("jobcenter-assistant: cannot use the database: ")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_bad_pool_setting_or_port_is_one_clear_line_not_a_hang_or_a_traceback() -> None:
    env = {**os.environ, "ASSISTANT_DB_POOL": "abc"}
    pool = subprocess.run([sys.executable, "-m", "assistant", "--db",
                           "postgresql://nobody@127.0.0.1:1/x", "db", "current"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert pool.returncode == 2
    assert pool.stderr.strip().splitlines() == [
        "jobcenter-assistant: cannot use the database: ASSISTANT_DB_POOL must be a whole "
        "number of connections, not 'abc'"]
    port = run(["serve", "--port", "99999"], "")  # once: a silent process listening nowhere
    assert port.returncode == 2 and "65535" in port.stderr


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--initials", "", "Initials are 1 to 8"),
    ("--initials", "ABCDEFGHIJ", "Initials are 1 to 8"),  # the PIN screen takes 8: no login
    ("--initials", "[bold red]x", "Initials are 1 to 8"),
    ("--name", "x" * 3000, "at most 100 characters"),
    ("--languages", "xx,German", "language codes"),
])
def test_staff_add_refuses_details_no_one_could_use(option: str, value: str, message: str,
                                                    tmp_path) -> None:
    args = {"--initials": "ab", "--name": "Anne B", "--languages": "da", option: value}
    result = run(["staff", "add", *[part for pair in args.items() for part in pair]], "4821\n",
                 tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_a_named_session_resumes_across_the_text_and_sms_channels(tmp_path) -> None:
    first = run(["chat", "--lang", "en", "--session", "desk-7"], "1\n", tmp_path)
    assert "What kind of meeting do you need?" in first.stdout, first.stdout
    then = run(["chat", "--lang", "en", "--session", "desk-7", "--channel", "sms"], "2\n",
               tmp_path)
    assert "Is this your first job meeting?" in then.stdout, then.stdout  # the booking goes on


def test_staff_details_as_people_write_them_are_accepted() -> None:
    import unicodedata

    from assistant.staff import staff_problem

    for initials, name in [("ÆØ", "Søren Ågård"), ("A-B", "Anne-Marie O'Brien"),
                           (unicodedata.normalize("NFD", "ÅS"),
                            unicodedata.normalize("NFD", "Søren Ågård"))]:  # pasted, decomposed
        assert staff_problem(initials, name, "da,ar", "special_law_intake") is None
    assert staff_problem("ßßßßß", "x", "da", "") is not None  # upper-cased: 10 characters


def test_serve_refuses_to_start_a_webhook_it_cannot_check(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", "secret-token")
    monkeypatch.delenv("ASSISTANT_PUBLIC_URL", raising=False)
    assert main(["serve", "--db", "sqlite://", "--port", "1"]) == 2
    said = capsys.readouterr().err.strip()
    assert "ASSISTANT_PUBLIC_URL" in said and "\n" not in said and "secret-token" not in said


def test_timer_commands_keep_alembic_quiet_unless_a_migration_runs(tmp_path) -> None:
    """`outbox send` and `privacy purge` run every minute from a timer: the journal gets one
    line when a migration runs, and nothing of Alembic's otherwise."""
    import os
    import subprocess
    import sys

    from assistant.store.migrate import head

    url = f"sqlite:///{tmp_path / 'timer.sqlite3'}"

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "assistant", *args, "--db", url],
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "ASSISTANT_SMS_GATEWAY": ""})
        assert done.returncode == 0, done.stderr
        return done.stderr

    first = run("outbox", "send")
    assert first.splitlines() == [f"database upgraded from revision (empty) to {head()}"]
    for args in (("outbox", "send"), ("privacy", "purge")):
        assert run(*args) == "", "nothing of Alembic's when no migration runs"


@pytest.mark.parametrize("url", ["kiosk.example.dk", "ftp://kiosk.example.dk", "https://",
                                 "/sms/twilio", "https://kiosk example.dk",
                                 "https://kiosk.example.dk:port", "https://user@kiosk.example.dk"])
def test_serve_refuses_a_public_url_that_is_not_an_absolute_http_address(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str) -> None:
    from assistant.cli import main

    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", "secret-token")
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", url)
    assert main(["serve", "--db", "sqlite://", "--port", "1"]) == 2
    said = capsys.readouterr().err.strip()
    assert "ASSISTANT_PUBLIC_URL must be an absolute http(s) address" in said
    assert "\n" not in said and "secret-token" not in said


def test_ask_into_a_pipe_closed_early_ends_without_a_traceback() -> None:
    # `ask ... | head` printed a BrokenPipeError traceback once head had read enough
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    try:
        result = subprocess.run([sys.executable, "-m", "assistant", "ask", "dagpenge", "--json"],
                                stdout=write, stderr=subprocess.PIPE, text=True, timeout=120,
                                env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    finally:
        os.close(write)
    assert result.returncode == 141, result.stderr
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
