"""Orders: what customers order, and where each order stands.

Orders knows products only through its own read model, kept up to date by the
catalog's events; it never calls the catalog. Stock for an order is reserved
by the catalog in answer to the order being placed.
"""
