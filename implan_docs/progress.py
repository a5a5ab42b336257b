"""The build's progress display: one line per section with its state (rich on a terminal, plain otherwise)."""
from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.live import Live
from rich.table import Table


class BuildProgress:
    def __init__(self, title: str, stream=None):
        self.title = title
        self.console = Console(file=stream or sys.stderr)
        self.live = self.console.is_terminal
        self.states: dict[str, tuple[str, float]] = {}
        self.phase = ""
        self._live: Live | None = None

    def __enter__(self):
        if self.live:
            self._live = Live(self._table(), console=self.console, refresh_per_second=8, transient=False)
            self._live.__enter__()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self) -> None:
        if self._live is not None:
            self._live.update(self._table())
            self._live.__exit__(None, None, None)
            self._live = None

    def event(self, kind: str, name: str, state: str = "", outcome=None) -> None:
        if kind == "phase":
            self.phase = name
            if not self.live:
                self.console.print(f"{self.title}: {name}", highlight=False)
        elif kind == "note":
            if self._live is not None:
                self._live.console.print(name, highlight=False)
            else:
                self.console.print(name, highlight=False)
        elif kind == "section":
            if state == "start":
                self.states[name] = ("running", time.perf_counter())
            else:
                self.states[name] = ("done" if outcome.ok else "FAILED", outcome.seconds)
                if not self.live:
                    self.console.print(f"  {name:<14} {self.states[name][0]:<7} {outcome.seconds:5.1f} s",
                                       highlight=False)
        if self._live is not None:
            self._live.update(self._table())

    def _table(self) -> Table:
        table = Table(title=f"{self.title}: {self.phase}", show_header=False, box=None, padding=(0, 1))
        for name, (state, value) in self.states.items():
            seconds = time.perf_counter() - value if state == "running" else value
            style = {"running": "yellow", "done": "green", "FAILED": "bold red"}[state]
            table.add_row(name, f"[{style}]{state}[/]", f"{seconds:5.1f} s")
        return table
