"""What one import knows so far: the file's preview, then the report.

The wizard owns it and fills it as its background work answers; the pages only read it, so
a page needs the state and not the wizard that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.services.leads.csv_reader import CsvPreview
from desktop.services.leads.import_report import ImportReport


@dataclass
class ImportSession:
    preview: CsvPreview | None = None
    preview_error: str = ""  # why the file could not be read, as a sentence
    region: str = "US"  # where numbers without a +country code are from (a setting)
    report: ImportReport | None = None
    import_error: str = ""
    finished: bool = False  # the import ended: stored, stopped or failed
    preview_request: int = 0  # the preview being read; an answer for an older one is dropped

    def forget_preview(self) -> int:
        """Drop the preview (the file changed); returns the number of the next request."""
        self.preview_request += 1
        self.preview = None
        self.preview_error = ""
        return self.preview_request
