"""What is read back: CSV exports, the dialogs' read models, activity over time."""
