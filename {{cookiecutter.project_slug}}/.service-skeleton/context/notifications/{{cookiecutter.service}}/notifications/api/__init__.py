"""HTTP in, query out: a recipient's own notifications."""
