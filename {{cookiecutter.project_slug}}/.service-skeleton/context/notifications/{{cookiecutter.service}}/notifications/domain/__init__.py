"""The rules of notifying people, in plain Python: no Django here."""
