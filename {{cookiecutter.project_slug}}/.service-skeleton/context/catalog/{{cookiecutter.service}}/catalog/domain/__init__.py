"""The catalog's rules, in plain Python: no Django here."""
