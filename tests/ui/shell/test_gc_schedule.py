"""The window's garbage collection: frozen after the first paint, and once more when start-up's
deferred work has settled, so a full pass walks only what was made since."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop.ui.shell.gc_schedule import GarbageCollector


class Node:
    """A container the collector tracks."""

    def __init__(self) -> None:
        self.links: list[Node] = []


def tracked_in_gen2(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects(2))


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[GarbageCollector]:
    made = GarbageCollector(interval_ms=60_000, settle_ms=100)
    yield made
    made.stop()


def test_what_start_up_made_after_the_first_paint_is_frozen_once_settled(
    qtbot: QtBot, collector: GarbageCollector
) -> None:
    collector.start()
    kept = Node()  # made after the first paint, lives on: a page's rows, an engine module
    gc.collect(1)  # the young pass of every second moves it to the oldest generation
    assert tracked_in_gen2(kept)

    # Alive and tracked, yet in no generation: frozen, so full passes no longer walk it.
    # (Not "the freeze count grew": objects frozen at start, left over by earlier tests,
    # may be freed meanwhile, more of them than the settling adds.)
    qtbot.waitUntil(lambda: not tracked_in_gen2(kept), timeout=3000)
    assert gc.is_tracked(kept)
    later = Node()
    gc.collect(1)
    assert tracked_in_gen2(later)  # what comes after the settling is collected as before


def test_garbage_of_start_up_is_collected_before_the_freeze(
    qtbot: QtBot, collector: GarbageCollector
) -> None:
    collector.start()
    cycle = Node()
    cycle.links.append(cycle)
    gc.collect(1)
    gone = weakref.ref(cycle)
    del cycle  # unreachable, but a cycle: only a pass of the collector frees it
    assert gone() is not None

    collector.settle()

    assert gone() is None  # freed, not frozen for the life of the window


def test_stopping_before_start_up_settles_freezes_nothing_more(
    qtbot: QtBot, collector: GarbageCollector
) -> None:
    collector.start()
    collector.stop()
    assert gc.get_freeze_count() == 0

    qtbot.wait(300)  # past settle_ms

    assert gc.get_freeze_count() == 0
    kept = Node()
    gc.collect(1)
    assert tracked_in_gen2(kept)
