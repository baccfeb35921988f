"""TextDesk: bulk text sequences through Twilio, with every message's delivery tracked."""

from typing import Any


def __getattr__(name: str) -> Any:
    # The version comes from the package metadata, which costs an import of
    # importlib.metadata: read only by `--version`, the window's About box and the bundle.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("textdesk")
        except PackageNotFoundError:  # a source tree that was not pip-installed
            return "0.0.0+source"
    raise AttributeError(f"module 'desktop' has no attribute {name!r}")
