"""Item data roles shared by TextDesk's models and delegates (beyond Qt's own)."""

from __future__ import annotations

from PySide6.QtCore import Qt

_BASE = int(Qt.ItemDataRole.UserRole)

SORT_ROLE = _BASE + 1  # a plain value the proxy sorts by (numbers, timestamps)
LINK_ROLE = _BASE + 2  # True when the cell is a clickable link
ID_ROLE = _BASE + 3  # the row's sequence / lead id
BUCKET_ROLE = _BASE + 4  # the Bucket a count column stands for
STATUS_ROLE = _BASE + 5  # the SequenceStatus of the row (badge delegate)
PROGRESS_ROLE = _BASE + 6  # 0..1 (progress delegate)
BADGE_ROLE = _BASE + 7  # (text, foreground, background) for a generic badge
