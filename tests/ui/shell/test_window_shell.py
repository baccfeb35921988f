"""The window's frame: tabs that never tear off, the app's name said once, notices that let
the window be narrowed again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDockWidget, QTabBar

from desktop.app import TextDeskApp, build_app, identify_application
from desktop.ui.shell.main_window import MainWindow, window_title


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
