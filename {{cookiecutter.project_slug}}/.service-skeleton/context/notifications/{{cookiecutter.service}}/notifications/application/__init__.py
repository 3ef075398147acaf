"""The use cases of notifying: one command (or query) and one handler each."""
