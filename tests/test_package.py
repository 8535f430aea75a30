"""A non-editable install carries its content: the wheel holds knowledge, flows and i18n."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_runs_from_another_directory_with_its_own_content(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("jobcenter_assistant-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for wanted in ("assistant/_data/flows/book.yaml", "assistant/_data/knowledge/README.md",
                   "assistant/_data/i18n/uk/LC_MESSAGES/assistant.mo",
                   "assistant/_data/knowledge/_sources/facts/public-rules.md",
                   "assistant/store/migrations/env.py",
                   "assistant/store/migrations/versions/0001_baseline.py"):
        assert wanted in names
    assert not any(n.startswith("tests/") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONIOENCODING": "utf-8",
           "ASSISTANT_DB": f"sqlite:///{tmp_path / 'w.sqlite3'}"}
    where = subprocess.run([sys.executable, "-c", "import assistant; print(assistant.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr
    chat = subprocess.run([sys.executable, "-m", "assistant", "chat", "--lang", "uk"],
                          input="menu\n", cwd=elsewhere, env=env, capture_output=True,
                          text=True, timeout=120)
    assert chat.returncode == 0, chat.stderr
    assert "Записатися на зустріч" in chat.stdout
    current = subprocess.run([sys.executable, "-m", "assistant", "db", "current"], cwd=elsewhere,
                             env=env, capture_output=True, text=True, timeout=60)
    revision, newest = current.stdout.split(" (newest ")
    assert revision and newest == f"{revision})\n", "the wheel's migrations made the database"
    lint = subprocess.run([sys.executable, "-m", "assistant", "kb", "lint"], cwd=elsewhere,
                          env=env, capture_output=True, text=True, timeout=120)
    assert "problem" in lint.stderr and str(ROOT) not in lint.stdout
