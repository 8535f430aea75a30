"""The site file: checked with file:line, published as a JSON Schema, applied idempotently,
never stranding a booking."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.booking.service import BookingService
from assistant.cli import main
from assistant.site.apply import Refused, apply_site
from assistant.site.spec import example_path, load_site
from assistant.store.db import make_engine
from assistant.store.models import Booking, MeetingType, Staff

SITES = Path(__file__).parent.parent / "sites"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
"""Real time: `site apply` on the command line counts bookings from now."""


def copy_example(tmp_path: Path) -> Path:
    for name in ("demo.yaml", "demo-staff.csv"):
        shutil.copy(SITES / name, tmp_path / name)
    return tmp_path / "demo.yaml"


def test_the_published_schema_is_valid_and_accepts_the_example() -> None:
    schema = json.loads((SITES / "site.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    example = yaml.safe_load(example_path().read_text())
    assert list(Draft202012Validator(schema).iter_errors(example)) == []
    assert example["fictitious"] is True, "the example says it is no real jobcenter"


def test_site_check_names_file_and_line_of_each_problem(tmp_path, capsys) -> None:
    path = copy_example(tmp_path)
    text = path.read_text().replace('thursday: "09:00-17:00"', 'thursday: "17:00-09:00"')
    text = text.replace("{code: repatriation, minutes: 60", "{code: repatriation, minutes: 50")
    path.write_text(text)
    lines = text.splitlines()
    assert main(["site", "check", str(path)]) == 1
    out = capsys.readouterr().out
    minutes_line = next(i for i, t in enumerate(lines, 1) if "minutes: 50" in t)
    assert f"{path}:{minutes_line}: meeting_types.5.minutes" in out
    # fixed, the next problem: hours that close before they open
    path.write_text(text.replace("minutes: 50", "minutes: 60"))
    assert main(["site", "check", str(path)]) == 1
    thursday = next(i for i, t in enumerate(lines, 1) if "thursday:" in t)
    assert f"{path}:{thursday}: hours.thursday: closes (09:00) before it opens (17:00)" in \
        capsys.readouterr().out


def test_a_staff_csv_row_with_a_problem_is_named_by_its_line(tmp_path, capsys) -> None:
    path = copy_example(tmp_path)
    csv = tmp_path / "demo-staff.csv"
    csv.write_text(csv.read_text() + "XY1,Someone,danish,job_meeting\n")
    assert main(["site", "check", str(path)]) == 1
    assert f"{csv}:6: Languages are language codes" in capsys.readouterr().out


def test_site_apply_twice_changes_nothing_the_second_time(db_url: str, tmp_path,
                                                          capsys) -> None:
    path = copy_example(tmp_path)
    assert main(["site", "apply", str(path), "--db", db_url]) == 0
    first = capsys.readouterr().out
    assert "meeting type first_meeting: added" in first and "staff UK1: added" in first
    assert main(["site", "apply", str(path), "--db", db_url]) == 0
    assert capsys.readouterr().out.strip() == "site demo: no changes"
    # a change is printed as what it is
    path.write_text(path.read_text().replace('friday: "09:00-13:00"', 'friday: "09:00-12:00"'))
    assert main(["site", "apply", str(path), "--db", db_url]) == 0
    assert "hours friday: 09:00-12:00 (was 09:00-13:00)" in capsys.readouterr().out


def test_removing_a_meeting_type_or_person_with_future_bookings_is_refused(
        db_url: str, tmp_path, capsys) -> None:
    path = copy_example(tmp_path)
    engine = make_engine(db_url)
    applied = apply_site(engine, load_site(path))
    assert applied is not None
    service = BookingService(engine, now=lambda: NOW, site_id=applied.site_id)
    free = service.free_times("repatriation", "da", limit=1)[0]
    booking = service.book(meeting_type="repatriation", channel="in_person", meeting_lang="da",
                           lang="da", free=free, name="Test Person", phone="+4522334455")
    path.write_text("\n".join(line for line in path.read_text().splitlines()
                              if "code: repatriation" not in line))
    staff_csv = tmp_path / "demo-staff.csv"  # no one books it (else `site check` says so)
    staff_csv.write_text(staff_csv.read_text().replace(",repatriation", ""))
    with pytest.raises(Refused) as refused:
        apply_site(engine, load_site(path), now=NOW)
    assert refused.value.reasons == [f"meeting type repatriation cannot be removed: 1 future "
                                     f"booking(s) ({booking.code})"]
    assert main(["site", "apply", str(path), "--db", db_url]) == 1
    assert "refused: meeting type repatriation" in capsys.readouterr().err
    with DB(engine) as db:  # nothing changed, the booking is there
        assert db.exec(select(MeetingType).where(MeetingType.code == "repatriation")).first()
        assert db.get(Booking, booking.id).status == "active"
    # a person with a future booking is not removed either
    csv = tmp_path / "demo-staff.csv"
    with DB(engine) as db:
        initials = db.get(Staff, booking.staff_id).initials
    csv.write_text("\n".join(line for line in (SITES / "demo-staff.csv").read_text().splitlines()
                             if not line.startswith(initials + ",")) + "\n")
    shutil.copy(SITES / "demo.yaml", path)  # the meeting type is back; the person is gone
    with pytest.raises(Refused, match=f"staff {initials} cannot be removed"):
        apply_site(engine, load_site(path), now=NOW)
    engine.dispose()


def test_demo_applies_the_example_site_file(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert main(["--db", url, "--demo", "site", "apply", str(example_path())]) == 0
    assert "site demo: added" in capsys.readouterr().out
    from assistant.app import open_store

    store = open_store(url, demo=True)  # already there: nothing more
    with DB(store.engine) as db:
        assert sorted(s.initials for s in db.exec(select(Staff))) == ["DA1", "DA2", "DA3", "UK1"]


def test_privacy_purge_keeps_conversations_as_long_as_the_site_file_says(tmp_path,
                                                                         capsys) -> None:
    from sqlalchemy import update

    from assistant.store.models import Session
    from assistant.store.sessions import SessionStore

    path = copy_example(tmp_path)
    path.write_text(path.read_text().replace("retention_days: 30", "retention_days: 7"))
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    engine = make_engine(url)
    apply_site(engine, load_site(path))
    store = SessionStore(engine)
    for key, age in (("old", 8), ("new", 6)):
        store.create(key, "text", "en", {})
        with engine.begin() as conn:
            conn.execute(update(Session).where(Session.key == key).values(
                updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=age)))
    engine.dispose()
    assert main(["privacy", "purge", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == 1  # 8 days old: past 7


def test_booking_sms_go_out_under_the_sender_name_of_the_booking_site(tmp_path) -> None:
    from assistant.channels.outbox import send_due
    from assistant.store.models import Outbox

    class Gateway:
        """A gateway that can send as another sender (as TwilioGateway.as_sender)."""

        def __init__(self, sender: str = "DEFAULT", sent: list | None = None) -> None:
            self.sender, self.sent = sender, [] if sent is None else sent

        def as_sender(self, sender: str) -> Gateway:
            return Gateway(sender, self.sent)

        def send(self, phone: str, body: str) -> None:
            self.sent.append((self.sender, phone))

    path = copy_example(tmp_path)
    path.write_text(path.read_text().replace("sender: Jobcenter", "sender: DemoJC"))
    engine = make_engine(f"sqlite:///{tmp_path / 'o.sqlite3'}")
    applied = apply_site(engine, load_site(path))
    service = BookingService(engine, now=lambda: NOW, site_id=applied.site_id)
    booking = service.book(meeting_type="job_meeting", channel="in_person", meeting_lang="da",
                           lang="da", free=service.free_times("job_meeting", "da")[0],
                           name="Test Person", phone="+4522334455")
    with DB(engine) as db:
        db.add(Outbox(phone="+4522334455", lang="da", kind="receipt", body="Kode",
                      due_at=NOW, booking_id=booking.id))
        db.add(Outbox(phone="+4560708090", lang="da", kind="notice", body="Hej", due_at=NOW))
        db.commit()
    gateway = Gateway()
    assert send_due(engine, gateway, now=lambda: NOW + dt.timedelta(minutes=1)) == 2
    assert sorted(gateway.sent) == [("DEFAULT", "+4560708090"), ("DemoJC", "+4522334455")]
    engine.dispose()


def test_site_check_gives_advice_and_reports_the_file_and_the_staff_csv_at_once(
        tmp_path, capsys) -> None:
    path = copy_example(tmp_path)
    text = (path.read_text().replace('postcode: "0000"', "postcode: 4000")
            .replace('monday: "09:00-15:00"', 'monday: "9-15"')
            .replace('tuesday: "09:00-15:00"', 'tuesday: "09:00-09:00"')
            .replace("languages: [uk]}", "languages: [uk, xx]}"))
    path.write_text(text)
    csv = tmp_path / "demo-staff.csv"
    csv.write_text(csv.read_text() + 'XY1,Someone,"da,qq",job_meting\n')
    assert main(["site", "check", str(path)]) == 1
    out = capsys.readouterr().out
    lines = text.splitlines()

    def at(word: str) -> str:
        return f"{path}:{next(i for i, t in enumerate(lines, 1) if word in t)}: "

    assert at("postcode: 4000") + 'addresses.0.postcode: put the postcode in quotes, like ' \
        'postcode: "4000"' in out
    assert at('monday: "9-15"') + "hours.monday: write times like 09:00-15:30" in out
    assert at("tuesday:") + "hours.tuesday: opens and closes at the same time (09:00)" in out
    assert at("xx]") + "interpreters.0.languages: 'xx' is not a language code we know" in out
    assert f"{csv}:6: XY1: 'qq' is not a language code we know" in out
    assert f"{csv}:6: XY1: the competence 'job_meting' books none of the site's meeting " \
        "types (did you mean job_meeting?)" in out
    assert "does not match" not in out, "advice, not the schema's regular expression"
