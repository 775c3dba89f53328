"""The loaded model a server process serves, swapped atomically when a new one is loaded."""

from __future__ import annotations

import threading
from pathlib import Path

from service.analyzer import Analyzer
from service.classifier import load_model, resolve_model_dir


class ModelHolder:
    """Holds one :class:`Analyzer`; a request takes a reference once and uses it throughout."""

    def __init__(self, model_dir: Path | str | None = None) -> None:
        self.model_dir = model_dir
        self._lock = threading.Lock()
        self._analyzer: Analyzer | None = None
        self.loaded_from: Path | None = None

    def load(self) -> Analyzer:
        """Load (or reload) the model; the old one keeps serving requests already holding it."""
        path = resolve_model_dir(self.model_dir)
        analyzer = Analyzer(load_model(path))
        analyzer.model.predict(["预热\n预热"])  # tokenizer dictionary loaded before the first request
        with self._lock:
            self._analyzer, self.loaded_from = analyzer, path
        return analyzer

    @property
    def analyzer(self) -> Analyzer | None:
        """The current analyzer (None until loaded)."""
        return self._analyzer
