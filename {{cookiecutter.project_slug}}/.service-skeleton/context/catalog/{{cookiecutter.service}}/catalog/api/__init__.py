"""HTTP in, command out: the catalog's REST API."""
