"""The rules of identity, in plain Python: no Django here."""
