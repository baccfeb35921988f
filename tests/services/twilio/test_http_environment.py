"""The Twilio HTTP session reads proxy and CA bundle settings from the environment as
requests does, once per host rather than on every request."""

from __future__ import annotations

import pytest
from requests import Session

from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.twilio.http import EnvironmentOnceSession, RewritingHttpClient
from tests.engine_helpers import sandbox_gateway

TWILIO = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"
LOCAL = "http://127.0.0.1:8080/2010-04-01/Accounts/AC1/Messages.json"


@pytest.fixture
def proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                 "all_proxy", "NO_PROXY", "no_proxy", "CURL_CA_BUNDLE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/office-ca.pem")


@pytest.mark.usefixtures("proxy_env")
def test_the_environment_is_read_as_requests_reads_it() -> None:
    once, plain = EnvironmentOnceSession(), Session()
    for url in (TWILIO, LOCAL):
        assert once.merge_environment_settings(url, {}, None, None, None) == (
            plain.merge_environment_settings(url, {}, None, None, None)
        )
    twilio = once.merge_environment_settings(TWILIO, {}, None, None, None)
    assert twilio["proxies"]["https"] == "http://proxy.example:3128"
    assert twilio["verify"] == "/etc/ssl/certs/office-ca.pem"
    assert once.merge_environment_settings(LOCAL, {}, None, None, None)["proxies"] == {}


@pytest.mark.usefixtures("proxy_env")
def test_read_once_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    once = EnvironmentOnceSession()
    given: dict[str, str] = {}
    first = once.merge_environment_settings(TWILIO, given, None, None, None)
    assert given == {}  # the caller's dict is not filled in (requests would)
    first["proxies"]["https"] = "changed by a caller"
    monkeypatch.setenv("HTTPS_PROXY", "http://elsewhere.example:8080")
    again = once.merge_environment_settings(TWILIO, {}, None, None, None)
    assert again["proxies"]["https"] == "http://proxy.example:3128"
    # Settings a caller gives are part of what is remembered.
    chosen = once.merge_environment_settings(TWILIO, {"https": "http://mine:1"}, None, None, None)
    assert chosen["proxies"]["https"] == "http://mine:1"


def test_the_sdk_sends_through_it() -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=8)) as sandbox:
        gateway = sandbox_gateway(sandbox)
        assert isinstance(gateway.http, RewritingHttpClient)
        assert isinstance(gateway.http.session, EnvironmentOnceSession)
        answer = gateway.create_message("+14155550170", "Hello", sandbox.phone_number)
        assert answer.sid.startswith("SM")
        assert [entry.to for entry in sandbox.ledger_snapshot()] == ["+14155550170"]
