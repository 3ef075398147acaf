"""HTTP in, command out: the orders REST API. Every endpoint is the caller's own orders."""
