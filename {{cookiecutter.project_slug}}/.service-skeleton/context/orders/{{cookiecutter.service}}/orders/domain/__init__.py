"""The rules of ordering, in plain Python: no Django here."""
