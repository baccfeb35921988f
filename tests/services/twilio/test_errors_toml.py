"""errors.toml, the catalog as data: well-formed, complete, and with the attributes the sending
code acts on set where Twilio's reference says they belong."""

from __future__ import annotations

import tomllib

import pytest

from desktop.paths import package_data_path
from desktop.services.twilio.error_catalog import (
    CATALOG,
    CATALOG_PATH_PARTS,
    FIELDS,
    FLAG_FIELDS,
    CatalogError,
    catalog,
    explain,
    parse_catalog,
)

TOML_PATH = package_data_path(*CATALOG_PATH_PARTS)

# What each attribute must be set on. Exact sets: adding a code to one is a decision that
# changes what the engine does, so it shows up here.
RETRYABLE = {20429}
OPT_OUT = {21610}
DEAD_NUMBER = {21211, 21265, 21266, 21408, 21610, 21612, 21614, 21635, 30004, 30005, 30006}
ACCOUNT_PROBLEM = {
    10001, 20003, 20005, 30002,  # credentials and the account
    21212, 21606, 21659, 21660, 21661, 30032, 30034,  # the sending number
    21701, 21703, 21704, 21705,  # the Messaging Service
}  # fmt: skip

# The codes the issues name for each attribute (the sets above may hold more).
NAMED = {
    "dead_number": {30005, 30006, 21211, 21614, 21612, 21610},
    "opt_out": {21610},
    "account_problem": {20003, 20005, 30002, 21606, 21212, 21659, 21703, 21704, 21705},
    "retryable": {20429},
}


def _raw() -> dict[str, dict[str, object]]:
    return tomllib.loads(TOML_PATH.read_text(encoding="utf-8"))


def _minimal(**changes: object) -> str:
    """A one-entry errors.toml text, with fields changed or (value None) removed."""
    fields: dict[str, object] = {
        "title": "A title",
        "explanation": "What happened.",
        "causes": ["A cause."],
        "what_to_do": ["A step."],
        **dict.fromkeys(FLAG_FIELDS, False),
    }
    fields.update(changes)
    lines = ["[12345]"]
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, bool):
            lines.append(f"{name} = {str(value).lower()}")
        elif isinstance(value, list):
            lines.append(f"{name} = [{', '.join(repr(item) for item in value)}]")
        else:
            lines.append(f"{name} = {value!r}")
    return "\n".join(lines) + "\n"


# -- the file ---------------------------------------------------------------------------------


def test_the_file_is_valid_toml_with_one_table_per_code() -> None:
    raw = _raw()
    assert raw, "errors.toml is empty"
    for key, table in raw.items():
        assert key.isdigit() and not key.startswith("0"), key
        assert isinstance(table, dict), key


def test_every_entry_has_every_field_and_no_other() -> None:
    for key, table in _raw().items():
        assert set(table) == set(FIELDS), key
        for name in ("title", "explanation"):
            assert isinstance(table[name], str) and table[name].strip(), (key, name)
        for name in ("causes", "what_to_do"):
            items = table[name]
            assert isinstance(items, list) and items, (key, name)
            assert all(isinstance(item, str) and item.strip() for item in items), (key, name)
        for name in FLAG_FIELDS:
            assert isinstance(table[name], bool), (key, name)


def test_the_catalog_is_the_file() -> None:
    raw = _raw()
    assert set(CATALOG) == {int(key) for key in raw}
    for key, table in raw.items():
        entry = CATALOG[int(key)]
        assert entry.title == " ".join(str(table["title"]).split())
        for name in FLAG_FIELDS:
            assert getattr(entry, name) is table[name], (key, name)


def test_the_file_is_read_once() -> None:
    assert catalog() is catalog()
    assert CATALOG[30008] is catalog()[30008] is explain(30008)


def test_wrapped_text_is_folded_into_single_lines() -> None:
    for entry in CATALOG.values():
        for text in (entry.title, entry.explanation, *entry.causes, *entry.what_to_do):
            assert "\n" not in text and "  " not in text and text == text.strip()


# -- the schema is enforced -------------------------------------------------------------------


def test_a_valid_entry_parses() -> None:
    entry = parse_catalog(_minimal(dead_number=True))[12345]
    assert entry.code == 12345 and entry.dead_number and not entry.opt_out


@pytest.mark.parametrize("field", FIELDS)
def test_a_missing_field_is_refused(field: str) -> None:
    with pytest.raises(CatalogError, match=f"missing {field}"):
        parse_catalog(_minimal(**{field: None}))


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"retry": True}, "unknown field"),
        ({"dead_number": "yes"}, "dead_number must be true or false"),
        ({"causes": []}, "causes must be a non-empty list"),
        ({"what_to_do": "Do this."}, "what_to_do must be a non-empty list"),
        ({"title": "  "}, "title must be a non-empty string"),
    ],
)
def test_a_malformed_entry_is_refused(changes: dict[str, object], complaint: str) -> None:
    with pytest.raises(CatalogError, match=complaint):
        parse_catalog(_minimal(**changes))


@pytest.mark.parametrize(
    "text",
    ['[abc]\ntitle = "x"\n', '[0123]\ntitle = "x"\n', "[12345\n", 'code = "30008"\n'],
)
def test_a_malformed_file_is_refused(text: str) -> None:
    with pytest.raises(CatalogError):
        parse_catalog(text)


# -- the attributes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("retryable", RETRYABLE),
        ("opt_out", OPT_OUT),
        ("dead_number", DEAD_NUMBER),
        ("account_problem", ACCOUNT_PROBLEM),
    ],
)
def test_each_attribute_is_set_on_exactly_its_codes(field: str, expected: set[int]) -> None:
    assert {code for code, entry in CATALOG.items() if getattr(entry, field)} == expected
    assert NAMED[field] <= expected


def test_the_attributes_agree_with_each_other() -> None:
    for code, entry in CATALOG.items():
        # An opt-out also makes later steps pointless.
        assert entry.dead_number or not entry.opt_out, code
        # The gateway retries only what a later resend could also cure.
        assert entry.resend_helps or not entry.retryable, code
        # Nothing about the lead's number helps, and nothing about the account is the lead's.
        assert not (entry.dead_number and entry.resend_helps), code
        assert not (entry.account_problem and (entry.dead_number or entry.resend_helps)), code


@pytest.mark.parametrize("code", sorted(ACCOUNT_PROBLEM))
def test_account_problems_point_at_the_account_or_settings(code: int) -> None:
    text = CATALOG[code].as_text()
    assert "Console" in text or "Settings" in text, code


def test_a_code_the_catalog_does_not_know_has_no_attribute() -> None:
    entry = explain(99999)
    assert "99999" in entry.as_text()
    assert not any(getattr(entry, name) for name in FLAG_FIELDS)
