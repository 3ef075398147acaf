"""Where orders keeps its state: repositories behind Protocols."""
