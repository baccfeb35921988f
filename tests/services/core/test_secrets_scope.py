"""Secrets of databases on a server share one file per user: each database sees its own."""

from __future__ import annotations

from pathlib import Path

from desktop.services.core.secrets_store import SecretStore


def test_databases_sharing_a_secrets_file_never_see_each_others_token(tmp_path: Path) -> None:
    file = tmp_path / "secrets.json"
    shop = SecretStore(file, "postgresql+psycopg://ann@db/shop", shared=True)
    cafe = SecretStore(file, "postgresql+psycopg://ann@db/cafe", shared=True)
    shop.set("twilio_auth_token", "a" * 32)
    assert shop.get("twilio_auth_token") == "a" * 32
    assert cafe.get("twilio_auth_token") is None
    cafe.set("twilio_auth_token", "b" * 32)
    shop.delete("twilio_auth_token")
    assert (shop.get("twilio_auth_token"), cafe.get("twilio_auth_token")) == (None, "b" * 32)
    assert file.stat().st_mode & 0o777 == 0o600


def test_a_file_of_its_own_still_reads_a_token_stored_before_keys_were_scoped(
    tmp_path: Path,
) -> None:
    file = tmp_path / "textdesk.secrets.json"
    file.write_text('{"twilio_auth_token": "' + "c" * 32 + '"}', encoding="utf-8")
    store = SecretStore(file, "sqlite:///textdesk.db")
    assert store.get("twilio_auth_token") == "c" * 32
    store.set("twilio_auth_token", "d" * 32)  # rewritten under the scoped key
    assert '"twilio_auth_token"' not in file.read_text()
    assert store.get("twilio_auth_token") == "d" * 32
