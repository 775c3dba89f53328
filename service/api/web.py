"""The web page at ``/``: paste or upload an article or a whole bulletin, see themes and summaries."""

from __future__ import annotations

from flask import Blueprint, send_from_directory

page = Blueprint("page", __name__, static_folder="static", static_url_path="/static")


@page.get("/")
def index():
    """The single-page interface (plain HTML, CSS and JavaScript; no build step)."""
    return send_from_directory(page.static_folder, "index.html")
