"""Everything that is not drawing. No PySide6 import may appear below this package."""
