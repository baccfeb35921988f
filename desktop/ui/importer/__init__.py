"""The CSV import wizard."""
