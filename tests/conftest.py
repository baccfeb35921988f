"""Shared fixtures. Qt runs offscreen: set before anything imports Qt."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never read or write the user's real keyring or data folder.
os.environ["TEXTDESK_KEYRING"] = "off"
