"""The Leads page and the lead history dialog."""
