"""Start-up time: process start to the kiosk's first screen accepting input (through the real
CLI entry point), beside a minimal Textual app measured in the same run. Target: at most
1.5 times the minimal app.

Each child prints the wall-clock moment its first screen is ready; the parent subtracts the
moment it started the process. Run: .venv/bin/python bench/startup.py [--runs N].
The last line is RESULT key=value ...
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

MINIMAL = """
import os, time
from textual.app import App
from textual.widgets import Input
class Minimal(App):
    def compose(self):
        yield Input()
    def on_mount(self):
        self.call_after_refresh(self.ready)
    def ready(self):
        print(time.time(), flush=True)
        os._exit(0)
Minimal().run(headless=True)
"""

KIOSK = """
import os, sys, time
from assistant.cli import main
from assistant.channels.tui import kiosk
class Timed(kiosk.KioskApp):
    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self.ready)
    def ready(self):
        assert isinstance(self.screen, kiosk.LanguageScreen)
        print(time.time(), flush=True)
        os._exit(0)
    def run(self, **kw):
        return super().run(headless=True)
kiosk.KioskApp = Timed
main(["kiosk", "--db", sys.argv[1], "--demo"])
"""


def once(code: str, *args: str) -> float:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True,
                         text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "0"})
    return float(out.stdout.strip().splitlines()[-1]) - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    db = f"sqlite:///{tempfile.mkdtemp()}/startup.sqlite3"
    once(KIOSK, db)  # warm the file cache and the bytecode cache for both
    once(MINIMAL)
    minimal, kiosk = [], []
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        minimal.append(once(MINIMAL))
        kiosk.append(once(KIOSK, db))
    m, k = statistics.median(minimal), statistics.median(kiosk)
    print(f"minimal Textual app: first screen after {m * 1000:.0f} ms (median of {args.runs})")
    print(f"kiosk, real CLI entry point: language screen after {k * 1000:.0f} ms")
    print(f"RESULT minimal_ms={m * 1000:.0f} kiosk_ms={k * 1000:.0f} ratio={k / m:.2f} "
          f"target_ratio=1.5")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
