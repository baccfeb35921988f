"""The window's frame: tabs that never tear off, the app's name said once, notices that let
the window be narrowed again, status checks described as the setting and the engine have
them, a window that opens where it was left and fits the screen it opens on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QApplication, QDockWidget, QTabBar

from desktop.app import TextDeskApp, build_app, identify_application
from desktop.services.core import ui_prefs
from desktop.services.core.context import Context
from desktop.services.engine.poll_schedule import next_poll_delay
from desktop.services.sequences import builder
from desktop.ui.kit.formatting import format_interval
from desktop.ui.kit.sending_status import Activity, status_checks_text
from desktop.ui.kit.tooltips import plain_text
from desktop.ui.shell.main_window import MainWindow, window_title
from desktop.ui.shell.placement import Placement, fitted
from desktop.ui.shell.tray import BADGES, UNREAD_BADGE, badged_icon, unread_label
from tests.helpers import add_leads


@pytest.fixture
def apps(qtbot, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[TextDeskApp]]:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TEXTDESK_FROM", "TEXTDESK_DB"):
        monkeypatch.delenv(name, raising=False)
    built: list[TextDeskApp] = []
    yield built
    for app in built:
        app.shutdown()


def window(apps: list[TextDeskApp], db_url: str, *, demo: bool = False) -> MainWindow:
    app = build_app(db_url, demo=demo, start_services=False)
    apps.append(app)
    app.window.show()
    return app.window


def docks(main: MainWindow) -> list[QDockWidget]:
    return main.findChildren(QDockWidget)


def test_tabs_never_tear_off(qtbot, apps, db_url: str) -> None:
    main = window(apps, db_url)
    tabs = docks(main)
    assert {d.objectName() for d in tabs} >= {"dashboardDock", "leadsDock", "conversationsDock"}
    for dock in tabs:  # any tab, also one added later
        assert not dock.features() & QDockWidget.DockWidgetFeature.DockWidgetFloatable, dock
    bar = next(b for b in main.findChildren(QTabBar) if b.isVisible() and b.count() >= 3)
    for index in range(bar.count()):
        qtbot.mouseDClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
        qtbot.wait(20)
        shown = next(d for d in tabs if d.windowTitle().startswith(bar.tabText(index)))
        # The title bar's double-click is what floated "Leads" into a window of its own.
        title = shown.titleBarWidget()
        assert title is not None and title.isVisible()
        qtbot.mouseDClick(title, Qt.MouseButton.LeftButton, pos=QPoint(title.width() // 2, 5))
        qtbot.wait(20)
        assert not any(d.isFloating() for d in tabs), bar.tabText(index)
    assert all(main.dockWidgetArea(d) == Qt.DockWidgetArea.TopDockWidgetArea for d in tabs)


def test_the_title_says_the_name_once(qtbot, apps, db_url: str) -> None:
    assert window(apps, db_url, demo=True).windowTitle() == "TextDesk — Demo mode"
    assert window_title(False) == "TextDesk"
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    before = qt_app.applicationName(), qt_app.organizationName()
    try:
        identify_application(qt_app)
        # A display name set on purpose would be appended to the title by the platform
        # ("TextDesk — Demo mode — TextDesk"); unset, it follows the application's name.
        qt_app.setApplicationName("Probe")
        assert QGuiApplication.applicationDisplayName() == "Probe"
    finally:
        qt_app.setApplicationName(before[0])
        qt_app.setOrganizationName(before[1])


def test_one_name_for_one_thing(qtbot, apps, db_url: str) -> None:
    main = window(apps, db_url)
    action = main.new_sequence_action
    assert "bulk text" not in action.toolTip() and "sequence" in action.toolTip()
    words = [a.toolTip() for a in main.findChildren(type(action))]
    assert not [w for w in words if "bulk text" in w.casefold()]


def test_the_demo_notice_lets_the_window_narrow_again(qtbot, apps, db_url: str) -> None:
    main = window(apps, db_url, demo=True)
    assert "demo" in main.notices.texts()
    main.resize(1280, 800)
    qtbot.waitUntil(lambda: main.width() == 1280)
    qtbot.wait(50)  # the notice takes the new width
    main.resize(1024, 700)
    qtbot.waitUntil(lambda: main.width() == 1024)
    assert main.minimumSizeHint().width() <= 1024
    banner = main.notices.banner("demo")
    assert banner is not None
    label = banner.label
    # Wrapped to the narrower width, whole: no line of it is cut off.
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))
    assert banner.geometry().right() < main.width()


CHECKS = "TextDesk asks Twilio for new statuses and replies every "


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        (
            "30s",
            "30 s while texts sent in the last hour await their carrier, every 2 min for "
            "texts up to 6 hours old, and every 10 min otherwise.",
        ),
        (
            "3m",
            "3 min while texts sent in the last hour await their carrier, and every "
            "10 min otherwise.",
        ),
        ("15m", "15 min."),
    ],
)
def test_status_checks_are_said_as_the_setting_has_them(
    qtbot, apps, db_url: str, setting: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)  # not the demo: its own timings
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "a" * 32)
    ctx = Context.open(db_url)
    ctx.settings.set("poll_interval", setting)
    ctx.close()
    main = window(apps, db_url)
    bar = main.status
    qtbot.waitUntil(lambda: bool(bar.checks_text), timeout=5000)
    assert bar.checks_text == CHECKS + said
    assert (CHECKS + said) in plain_text(bar.outbox_label.toolTip())
    assert (CHECKS + said) in plain_text(bar.engine_label.toolTip())
    # Changed in Settings: the words follow at once.
    main.settings_services.ctx.settings.set("poll_interval", "1s")
    main.on_settings_saved()
    qtbot.waitUntil(lambda: bar.checks_text.startswith(CHECKS + "1 s while"), timeout=5000)
    assert "every 4 s for texts up to 6 hours old" in bar.checks_text


@pytest.mark.parametrize("seconds", [0.5, 1, 2, 30, 90, 180, 600, 900, 3600])
def test_the_words_are_the_engines_schedule(seconds: float) -> None:
    base = timedelta(seconds=seconds)
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    text = status_checks_text(base)
    for age, tracked in ((timedelta(minutes=5), 1), (timedelta(hours=2), 1), (None, 0)):
        handoff = None if age is None else now - age
        every = format_interval(next_poll_delay(now, handoff, tracked, base))
        assert f"every {every}" in text, (every, text)
    assert "demo" not in text
    assert status_checks_text(base, demo=True).startswith(text)


def test_the_window_opens_where_it_was_left(qtbot, apps, db_url: str) -> None:
    first = window(apps, db_url)
    first.resize(700, 560)
    first.move(20, 30)
    qtbot.waitUntil(lambda: first.size() == QSize(700, 560))
    left = first.geometry()
    apps.pop().shutdown()  # closing the window remembers it

    again = window(apps, db_url)
    qtbot.waitUntil(lambda: again.geometry() == left)
    assert not again.isMaximized()
    again.showMaximized()
    qtbot.waitUntil(again.isMaximized)
    apps.pop().shutdown()

    maximized = window(apps, db_url)
    qtbot.waitUntil(maximized.isMaximized)
    maximized.showNormal()  # un-maximized, it goes back to where it was before
    qtbot.waitUntil(lambda: maximized.geometry() == left)


def test_a_window_left_on_a_bigger_monitor_fits_this_one(qtbot, apps, db_url: str) -> None:
    first = window(apps, db_url)  # the demo's database, where the window keeps its place
    ctx = first.services.ctx
    key = first.placement.key
    apps.pop().shutdown()
    big = Placement(1500, 900, 1920, 1200, frame=(2, 30, 2, 2))  # off this screen
    stored = Context.open(ctx.db.url)
    ui_prefs.set_value(stored, key, big.to_json())
    stored.close()

    main = window(apps, db_url)
    screen = main.screen().availableGeometry()
    qtbot.waitUntil(lambda: screen.contains(main.frameGeometry()))
    assert main.width() <= screen.width() and main.height() <= screen.height()


def test_fitted_keeps_a_window_on_a_1024x700_screen() -> None:
    screen = QRect(0, 0, 1024, 700)
    frame = QMargins(1, 30, 1, 1)
    big = fitted(QRect(1500, 900, 1920, 1200), screen, frame)
    assert big == QRect(1, 30, 1022, 669)  # the whole screen, title bar included
    small = fitted(QRect(-400, 200, 800, 600), screen, frame)
    assert small == QRect(
        1, 99, 800, 600
    )  # moved back on the screen (its bottom on the bottom), its size kept
    inside = QRect(100, 80, 700, 500)
    assert fitted(inside, screen, frame) == inside
    assert Placement.from_json('{"x": "left"}') is None  # hand-edited: the default size
    kept = Placement(1, 2, 300, 400, True, (1, 30, 1, 1))
    assert Placement.from_json(kept.to_json()) == kept


@pytest.mark.parametrize("size", [QSize(1024, 700), QSize(1280, 800)])
def test_the_sequences_table_gets_the_room_in_the_window(qtbot, apps, db_url: str, size) -> None:  # type: ignore[no-untyped-def]
    """Item 7 in the whole window: every shown column within the table's width, and six
    sequences in view without a scrollbar (the table once showed four and scrolled at five)."""
    main = window(apps, db_url)
    ctx = main.services.ctx  # without credentials: the demo's database beside db_url
    add_leads(ctx, 3)
    for n in range(6):
        builder.create_sequence(
            ctx, f"Spring campaign {n + 1}", [builder.StepSpec("Hi. Reply STOP to opt out")],
            builder.LeadSelection(all=True),
        )  # fmt: skip
    main.resize(size)
    main.refresh_all()  # no change watcher without the services
    bulk = main.bulk_sequences
    assert bulk is not None
    table = bulk.table
    qtbot.waitUntil(lambda: bulk.model.rowCount() == 6, timeout=10_000)
    qtbot.waitUntil(lambda: main.size() == size)
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible(), timeout=5_000)
    header = table.horizontalHeader()
    shown = [i for i in range(header.count()) if not table.isColumnHidden(i)]
    assert sum(header.sectionSize(i) for i in shown) <= table.viewport().width()
    assert not table.verticalScrollBar().isVisible()
    rows = table.model()  # the table's own (sorting) model
    last_row = table.visualRect(rows.index(rows.rowCount() - 1, shown[0]))
    assert not last_row.isEmpty()
    assert table.viewport().rect().contains(last_row)


def test_the_tray_icon_counts_unread_replies(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A bubble with the count at the icon's top right; none without unread replies."""
    plain = badged_icon(Activity.IDLE).pixmap(64, 64).toImage()
    counted = badged_icon(Activity.IDLE, 3).pixmap(64, 64).toImage()
    many = badged_icon(Activity.IDLE, 42).pixmap(64, 64).toImage()
    bubble_edge = QPoint(33, 13)  # inside the bubble, left of its digits
    assert counted.pixelColor(bubble_edge) == QColor(UNREAD_BADGE)
    assert plain.pixelColor(bubble_edge) != QColor(UNREAD_BADGE)
    assert counted != many  # "3" and "9+"
    assert [unread_label(n) for n in (0, 1, 9, 10, 420)] == ["", "1", "9", "9+", "9+"]
    # The state's dot stays where it was.
    dot = QPoint(51, 51)
    assert counted.pixelColor(dot) == plain.pixelColor(dot) == QColor(BADGES[Activity.IDLE])
