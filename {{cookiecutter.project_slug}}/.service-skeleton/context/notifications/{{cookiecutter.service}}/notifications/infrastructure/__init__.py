"""Where notifications are kept, and how they reach people."""
