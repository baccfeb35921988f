"""The column-spec table model: Qt's model contract through every change of its rows, and the
order in which a row's roles and a column's roles answer."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt

from desktop.ui.kit.roles import ID_ROLE, LINK_ROLE, SORT_ROLE
from desktop.ui.kit.table_model import Column, ColumnTableModel


@dataclass(frozen=True)
class Fruit:
    id: int
    name: str
    price: int
    bruised: bool = False


COLUMNS = (
    Column(
        "Name",
        lambda f: f.name,
        tooltip=lambda f: f"A {f.name}",
        sort_key=lambda f: f.name.casefold(),
        roles={LINK_ROLE: lambda _f: True},
        header_tooltip="What it is",
    ),
    Column(
        "Price",
        lambda f: f"{f.price} ¢",
        sort_key=lambda f: f.price,
        alignment=Qt.AlignmentFlag.AlignRight,
        header_roles={Qt.ItemDataRole.TextAlignmentRole: lambda: int(Qt.AlignmentFlag.AlignRight)},
    ),
)


def make_model() -> ColumnTableModel[Fruit]:
    return ColumnTableModel(
        COLUMNS,
        row_roles={
            ID_ROLE: lambda f: f.id,
            Qt.ItemDataRole.ToolTipRole: lambda f: "Bruised" if f.bruised else None,
        },
    )


APPLE, PEAR, FIG = Fruit(1, "Apple", 40), Fruit(2, "pear", 55, bruised=True), Fruit(3, "Fig", 90)


def test_every_change_of_rows_keeps_the_model_contract(qtmodeltester) -> None:
    model = make_model()
    qtmodeltester.check(model)  # empty
    model.set_rows([APPLE, PEAR])
    model.append_rows([FIG])
    model.append_rows([])
    model.replace_row(0, Fruit(1, "Apple", 45))
    qtmodeltester.check(model)
    model.remove_rows([2, 0])
    qtmodeltester.check(model)
    assert model.rows == [PEAR]
    assert model.index(0, 1).data() == "55 ¢"


def test_cells_and_headers_come_from_the_specs() -> None:
    model = make_model()
    model.set_rows([APPLE, PEAR])
    apple_name, apple_price = model.index(0, 0), model.index(0, 1)
    assert apple_name.data() == apple_name.data(Qt.ItemDataRole.AccessibleTextRole) == "Apple"
    assert apple_name.data(SORT_ROLE) == "apple" and apple_price.data(SORT_ROLE) == 40
    assert apple_name.data(LINK_ROLE) is True and apple_price.data(LINK_ROLE) is None
    assert apple_price.data(Qt.ItemDataRole.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignRight)
    assert apple_price.data(ID_ROLE) == 1
    horizontal = Qt.Orientation.Horizontal
    assert [model.headerData(i, horizontal) for i in range(2)] == ["Name", "Price"]
    assert model.headerData(0, horizontal, Qt.ItemDataRole.ToolTipRole) == "What it is"
    assert model.headerData(1, horizontal, Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight
    )
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    assert not model.flags(apple_name) & Qt.ItemFlag.ItemIsEditable


def test_a_row_role_wins_over_the_column_unless_it_has_nothing_to_say() -> None:
    model = make_model()
    model.set_rows([APPLE, PEAR])
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "A Apple"  # the column's
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) is None
    for column in range(2):  # the bruise is the row's story, whichever cell is hovered
        assert model.index(1, column).data(Qt.ItemDataRole.ToolTipRole) == "Bruised"


def test_a_row_changed_in_place_announces_only_the_cells_that_look_different() -> None:
    model = make_model()
    model.set_rows([APPLE, PEAR])
    announced: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda first, last, _roles: announced.append(
            (first.row(), first.column(), last.row(), last.column())
        )
    )
    model.replace_row(0, Fruit(1, "Apple", 45))  # the price only
    assert announced == [(0, 1, 0, 1)]
    announced.clear()
    model.replace_row(1, Fruit(2, "pear", 55, bruised=False))  # only a tooltip: nothing drawn
    assert announced == []
    model.replace_row(1, Fruit(2, "Pear", 60))  # both cells
    assert announced == [(1, 0, 1, 0), (1, 1, 1, 1)]
    announced.clear()
    model.replace_row(1, Fruit(7, "Pear", 60))  # a row-wide role: the whole row
    assert announced == [(1, 0, 1, 1)]
    assert model.index(1, 0).data(ID_ROLE) == 7
