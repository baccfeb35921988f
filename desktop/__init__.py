"""TextDesk: bulk text sequences through Twilio, with every message's delivery tracked."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("textdesk")
except PackageNotFoundError:  # running from a source tree that was not pip-installed
    __version__ = "0.0.0+source"
