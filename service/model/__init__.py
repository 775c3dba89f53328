"""The theme model: feature views, the estimator, the compiled scorer, and versions on disk (find, verify, load, promote)."""
