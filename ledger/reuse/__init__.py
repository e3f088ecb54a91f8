"""Reuse: what makes a rebuild redo only what an edit changed. The pipeline owns it; no stage imports it."""
