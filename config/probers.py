"""Who may ask a probe or scrape metrics without a Host header we know: clients in
PROBE_NETWORKS (loopback by default), as a load balancer or Prometheus on the machine."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def prober_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(net, strict=False) for net in settings.PROBE_NETWORKS]


def client_is_prober(request: HttpRequest) -> bool:
    # Behind a proxy that appends to X-Forwarded-For (a platform's router), daphne's
    # --proxy-headers takes the leftmost address, which the client wrote itself: a chain of
    # addresses came from elsewhere, and is never a prober. nginx here replaces the header.
    if "," in request.META.get("HTTP_X_FORWARDED_FOR", ""):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in prober_networks())
