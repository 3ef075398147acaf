"""Notifications: the messages the system sends people, and whether they arrived.

Every notification is recorded before it is sent, so that a failed delivery
is retried and its history stays visible to its recipient.
"""
