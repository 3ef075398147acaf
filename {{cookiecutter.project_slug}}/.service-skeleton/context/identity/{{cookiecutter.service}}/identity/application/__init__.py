"""The use cases of identity: one command (or query) and one handler each."""
