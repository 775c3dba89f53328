"""The web page at ``/``: paste or upload an article or a whole bulletin, see themes and summaries."""

from __future__ import annotations

from flask import Blueprint, current_app

from service.templates import render

page = Blueprint("page", __name__, static_folder="static", static_url_path="/static")


@page.get("/")
def index():
    """The single-page interface (plain HTML, CSS and JavaScript; no build step), its budget the server's default."""
    return render("index.html", default_max_chars=current_app.config["DEFAULT_MAX_CHARS"])
