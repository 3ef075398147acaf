"""Where the catalog keeps its state: repositories behind Protocols, a cache for reads."""
