"""The catalog: products, their prices and their stock.

It is the only place stock is counted. Orders ask for stock through commands
(reserve for an order, release it again) that are idempotent per order, so an
order placed, retried or cancelled never counts twice.
"""
