"""Dashboard widgets other than Bulk Sequences: delivery charts, recent errors, replies."""
