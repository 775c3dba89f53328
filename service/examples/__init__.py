"""Labeled examples users add: their validation, the SQLite store, and which articles to label next."""
