"""Extractive summaries keyed on policy terms, and keywords."""
