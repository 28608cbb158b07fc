"""What a process builds once and every declaration reuses: the store, programs, catalogs.

No model, config or catalog is reloaded per receipt: a `Runtime` caches each
program's parsed rules and policies, and each catalog by version.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.extract import ExtractOptions, options_for
from pipeline.settings import Settings, load_program


@dataclass(frozen=True)
class ProgramContext:
    """One program's rules, policies and reading options, parsed once."""

    name: str
    config: dict
    rules: object  # pipeline.program.ProgramRules
    ledger: object  # ledger.LedgerPolicy
    fraud: object  # pipeline.fraud.FraudPolicy
    extract: ExtractOptions

    @property
    def version(self) -> str:
        return str(self.config.get("program", {}).get("version", "unversioned"))


@dataclass
class Runtime:
    settings: Settings
    url: str
    store: object  # models.store.ReadingStore
    _programs: dict = field(default_factory=dict)
    _catalogs: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def program(self, name: str) -> ProgramContext:
        with self._lock:
            ctx = self._programs.get(name)
            if ctx is None:
                ctx = self._programs[name] = load_context(self.settings, name)
            return ctx

    def catalog_dir(self, path: Path):
        """A catalog read from a folder (`--catalog DIR`), cached by path and modification time."""
        from pipeline.catalog import load_catalog_dir

        path = Path(path).resolve()
        stamp = tuple(p.stat().st_mtime_ns for p in sorted(path.glob("*.csv")))
        with self._lock:
            key = (str(path), stamp)
            if key not in self._catalogs:
                self._catalogs[key] = load_catalog_dir(path)
            return self._catalogs[key]


def load_context(settings: Settings, name: str) -> ProgramContext:
    from ledger import policy_for
    from pipeline.fraud import fraud_policy
    from pipeline.program import load_rules

    config = load_program(settings.programs_dir, name)
    return ProgramContext(name=name, config=config, rules=load_rules(settings.programs_dir, name),
                          ledger=policy_for(config), fraud=fraud_policy(config),
                          extract=options_for(settings, name))


_runtimes: dict[int, Runtime] = {}
_runtimes_lock = threading.Lock()


def runtime(settings: Settings) -> Runtime:
    """The process's runtime for these settings (built once; migrates the database)."""
    from models.store import ReadingStore

    with _runtimes_lock:
        rt = _runtimes.get(id(settings))
        if rt is None or rt.settings is not settings:
            url = settings.db_url
            rt = _runtimes[id(settings)] = Runtime(settings=settings, url=url,
                                                   store=ReadingStore(url, settings.data_dir))
        return rt
