"""PySide6 6.12.0 on CPython 3.11 lost a reference to None on every void call and aborted the
interpreter after ~100 000 calls; pyproject pins below it. This fails if that comes back."""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    fired = Signal()


def test_void_calls_and_emits_keep_none_and_true_alive(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(20_000):
        label.setText("x")
        emitter.fired.emit()
    # A healthy binding loses nothing; allow a little noise from the interpreter itself.
    assert abs(sys.getrefcount(None) - none_before) < 100
    assert abs(sys.getrefcount(True) - true_before) < 100
