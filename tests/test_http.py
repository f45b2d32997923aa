"""The visitor's address, with and without reverse proxies in front of the site."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from core.http import client_address


def _request(**meta: str) -> Any:
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_forwarded_header_is_ignored(settings: Any) -> None:
    settings.PROXY_COUNT = 0
    request = _request(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.7"


def test_behind_proxies_the_visitor_is_counted_from_the_right(settings: Any) -> None:
    settings.PROXY_COUNT = 1
    forged = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_address(forged) == "203.0.113.7"
    settings.PROXY_COUNT = 2
    chain = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 192.0.2.10")
    assert client_address(chain) == "203.0.113.7"
    # Fewer hops than proxies (a request that bypassed one): the direct peer.
    short = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=" ")
    assert client_address(short) == "10.0.0.1"
