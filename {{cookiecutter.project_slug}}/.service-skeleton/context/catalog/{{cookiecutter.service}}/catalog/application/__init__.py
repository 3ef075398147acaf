"""The catalog's use cases: one command (or query) and one handler each."""
