"""The use cases of ordering: one command (or query) and one handler each.

The ports they need (repositories, unit of work and the rest) are in ports.py.
"""
