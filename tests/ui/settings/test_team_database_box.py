"""Settings -> Team database in the window: Try connecting says what is there without
keeping anything; Save keeps it and the window offers a restart; a URL that is not a
PostgreSQL database is refused before anything is saved."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.models.db import team_database_file
from desktop.services.core import team_database
from desktop.ui.kit.appstate import AppServices
from tests.services.core.test_team_database import empty_db, server  # noqa: F401  fixtures
from tests.ui.settings.test_dialog_access import open_dialog


def test_try_then_keep_a_team_database(qtbot, services: AppServices, empty_db: str) -> None:  # noqa: F811
    dialog = open_dialog(qtbot, services)
    box = dialog.team_database
    assert box.edit.objectName() == "teamDatabaseEdit" and box.edit.text() == ""
    box.edit.setText("postgresql://me@127.0.0.1:1/shop")
    with qtbot.waitSignal(box.tested, timeout=20_000) as signal:
        qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
    assert signal.args[0] is False
    assert "nothing answers at 127.0.0.1 port 1" in box.result.text()
    assert not team_database_file().exists()  # trying keeps nothing
    box.edit.setText(empty_db)
    with qtbot.waitSignal(box.tested, timeout=20_000) as signal:
        box.test_button.click()
    assert signal.args[0] is True and box.result.text().startswith("Connected to PostgreSQL")
    with qtbot.waitSignal(dialog.teamDatabaseChanged, timeout=5_000):
        dialog.save_button.click()
    assert team_database.current() == empty_db.replace("postgresql://", "postgresql+psycopg://")


def test_a_url_that_is_not_a_server_is_refused_before_saving(
    qtbot,
    services: AppServices,
) -> None:
    dialog = open_dialog(qtbot, services)
    dialog.team_database.edit.setText("C:/shop/textdesk.db")
    dialog.save_button.click()
    assert dialog.status.text() == f"Nothing was saved: {team_database.NOT_A_SERVER}"
    assert dialog.isVisible() and not team_database_file().exists()
