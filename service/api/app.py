"""The Flask application factory: ``create_app(config)`` loads the model and registers the blueprints.

Blueprints, one job each: :mod:`~service.api.analysis` (themes and summaries),
:mod:`~service.api.files` (uploaded PDF, Word, HTML and text files),
:mod:`~service.api.retraining` (examples, feedback, training, reload), :mod:`~service.api.ops`
(health and metrics), :mod:`~service.api.openapi` (``/openapi.json``, ``/docs``) and
:mod:`~service.api.web` (the web page).
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from service.api.errors import register_error_handlers
from service.api.holder import ModelHolder
from service.api.observability import Metrics, configure_logging, install_request_hooks
from service.api.settings import load_settings


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app: settings, model (loaded now, before any worker forks), blueprints."""
    from service.api.analysis import analysis
    from service.api.files import files
    from service.api.openapi import docs
    from service.api.ops import ops
    from service.api.retraining import retraining
    from service.api.web import page

    app = Flask(__name__)
    settings = load_settings(config)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_BODY_BYTES"]
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    configure_logging(app)
    holder = ModelHolder(settings["MODEL_DIR"])
    holder.load()
    metrics = Metrics()
    app.extensions["zonedigest"] = {"holder": holder, "metrics": metrics}
    install_request_hooks(app, metrics, holder)
    register_error_handlers(app)

    @app.before_request
    def _watch_models() -> None:  # each worker looks for a promotion itself
        holder.check(float(app.config["MODEL_POLL_SECONDS"]))

    for blueprint in (analysis, files, retraining, ops, docs, page):
        app.register_blueprint(blueprint)
    return app
