"""Leads: the store (list, delete, opt-out, tags), CSV reading and import, phone numbers."""
