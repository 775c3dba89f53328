"""The HTTP surfaces: the Flask app and its blueprints, errors, OpenAPI, settings, metrics, the web page, the gunicorn runner."""
