"""The loaded model a server process serves, swapped atomically when a new one is loaded."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from service.analyzer import Analyzer
from service.model.artifact import resolve_model_dir
from service.model.classifier import load_model

log = logging.getLogger("zonedigest.model")


class ModelHolder:
    """Holds one :class:`Analyzer`; a request takes a reference once and uses it throughout."""

    def __init__(self, model_dir: Path | str | None = None) -> None:
        self.model_dir = model_dir
        self._lock = threading.Lock()
        self._analyzer: Analyzer | None = None
        self.loaded_from: Path | None = None
        self._checked = time.monotonic()
        self._reloading = False

    def load(self) -> Analyzer:
        """Load (or reload) the model; the old one keeps serving requests already holding it."""
        path = resolve_model_dir(self.model_dir)
        analyzer = Analyzer(load_model(path))
        analyzer.model.predict(["预热\n预热"])  # tokenizer dictionary loaded before the first request
        self._analyzer, self.loaded_from = analyzer, path  # one assignment each: requests see old or new
        return analyzer

    @property
    def analyzer(self) -> Analyzer | None:
        """The current analyzer (None until loaded)."""
        return self._analyzer

    def reload_if_changed(self) -> bool:
        """Load the model CURRENT now names, if it is not the one served; True when swapped.

        A version that fails to load (corrupted, tampered) is logged and the last good
        model keeps serving.
        """
        try:
            path = resolve_model_dir(self.model_dir)
        except Exception:  # noqa: BLE001 - CURRENT unreadable mid-write: try again next time
            return False
        if path == self.loaded_from:
            return False
        before = self._analyzer.model_version if self._analyzer else None
        try:
            self.load()
        except Exception as exc:  # noqa: BLE001 - keep serving the last good model
            log.error("cannot load %s, still serving %s: %s", path, self.loaded_from, exc)
            return False
        log.warning("model swapped: %s -> %s (%s)", before, self._analyzer.model_version, path)
        return True

    def check(self, seconds: float) -> None:
        """Reload when CURRENT changed, looking at most once every ``seconds`` in this process.

        Called before each request: the first request after a promotion loads the new model
        in a background thread, and until it is ready requests keep the model they find.
        """
        now = time.monotonic()
        if seconds <= 0 or now - self._checked < seconds:
            return
        with self._lock:
            if now - self._checked < seconds or self._reloading:
                return
            self._checked = now
            try:
                changed = resolve_model_dir(self.model_dir) != self.loaded_from
            except Exception:  # noqa: BLE001 - CURRENT unreadable mid-write: look again next time
                return
            if not changed:
                return
            self._reloading = True

        def reload() -> None:
            try:
                self.reload_if_changed()
            finally:
                self._reloading = False

        threading.Thread(target=reload, name="zonedigest-model-reload", daemon=True).start()
