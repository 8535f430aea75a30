"""`kb lint`: green on the real content, red with file:line on a broken fixture."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from assistant.knowledge.lint import lint_all

ROOT = Path(__file__).resolve().parents[1]
BROKEN = Path(__file__).parent / "fixtures" / "broken"


def test_lint_is_green_on_the_real_content() -> None:
    result = subprocess.run([sys.executable, "-m", "assistant", "kb", "lint"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lint_is_red_on_broken_content_and_names_file_and_line() -> None:
    problems = [str(p) for p in lint_all(BROKEN / "knowledge", BROKEN / "flows", ROOT / "i18n")]
    text = "\n".join(problems)
    demo = BROKEN / "knowledge" / "demo"
    expected = [
        (demo / "no_uk.md", "the uk body is missing"),
        (demo / "no_source.md", "every entry needs at least one source"),
        (demo / "bad_range.md", "source range seeds/mini.txt:8-40 is outside"),
        (demo / "broken_link.md", "related entry 'no_such_entry' does not exist"),
        (demo / "unnamed_source.md", "source file 'seeds/unnamed.txt' has no name for "
                                     "citizens in _sources/labels.yaml"),
        (BROKEN / "knowledge" / "other" / "ok_entry.md", "duplicate id 'ok_entry'"),
        (BROKEN / "flows" / "shows_missing.yaml", "unknown knowledge entry 'not_there'"),
        (BROKEN / "flows" / "languages_reordered.yaml",
         "step 'language' lists the languages uk, da; every step lists them in the same order"),
    ]
    for path, message in expected:
        hits = [p for p in problems if p.startswith(f"{path}:") and message in p]
        assert hits, f"no problem '{message}' for {path} in:\n{text}"
        line = hits[0].split(":")[1]
        assert line.isdigit(), f"{hits[0]} has no line number"
    assert len(problems) == len(expected), text


def test_lint_command_exits_1_with_file_and_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "kb", "lint", "--knowledge", str(BROKEN / "knowledge"),
         "--flows", str(BROKEN / "flows")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"{BROKEN / 'flows' / 'shows_missing.yaml'}:5: step 'info'" in result.stdout


def test_lint_names_a_labels_file_without_a_language_and_the_line(tmp_path: Path) -> None:
    """The names citizens read are checked too: a document named in two languages only is
    refused at its line, and so is the knowledge folder without the labels file at all."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(BROKEN / "knowledge", knowledge)
    labels = knowledge / "_sources" / "labels.yaml"
    labels.write_text("files:\n  seeds/mini.txt:\n    da: Et dokument\n    en: A document\n",
                      encoding="utf-8")
    problems = [str(p) for p in lint_all(knowledge, BROKEN / "flows", ROOT / "i18n")]
    assert f"{labels}:2: 'seeds/mini.txt' needs a name in da, en and uk" in " ".join(
        problems), problems
    labels.unlink()
    problems = [str(p) for p in lint_all(knowledge, BROKEN / "flows", ROOT / "i18n")]
    assert any(p.startswith(f"{labels}:") and "missing" in p for p in problems), problems
