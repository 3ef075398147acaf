"""The use cases of ordering: one command (or query) and one handler each."""
