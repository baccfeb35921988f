"""The dashboard dock and its widgets: Bulk Sequences, charts, feeds, the lead list dialog."""
