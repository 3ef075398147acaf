"""Where the catalog keeps its state: the database behind the application's ports, a cache for reads."""
