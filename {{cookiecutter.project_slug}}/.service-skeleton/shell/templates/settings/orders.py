# Minutes an order may stay pending, waiting for the catalog's answer, before
# it expires (and the stock the catalog may have reserved is released).
ORDERS_PENDING_MINUTES = env.int("ORDERS_PENDING_MINUTES", default=30)
