"""HTTP in, command out: accounts, tokens, and the keys that check them."""
