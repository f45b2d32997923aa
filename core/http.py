from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request as django-htmx's middleware leaves it (for type checking)."""

    htmx: HtmxDetails


def client_address(request: HttpRequest) -> str:
    """The visitor's IP address, also behind `settings.PROXY_COUNT` reverse proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the
    visitor is the PROXY_COUNT-th entry from the right; anything further left
    came from the client and could be forged. Without proxies: REMOTE_ADDR.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count = int(getattr(settings, "PROXY_COUNT", 0))
    if count <= 0:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    # Fewer entries than proxies: the request did not come through all of them.
    return hops[-count] if len(hops) >= count else remote
