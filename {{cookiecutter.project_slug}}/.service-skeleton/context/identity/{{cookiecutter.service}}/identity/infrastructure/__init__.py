"""Where identity keeps its users and sessions, hashes passwords and signs tokens."""
