"""The address of the client behind our own reverse proxies, for login throttling (django-axes).

Each proxy appends the address it received the request from to X-Forwarded-For, so with N
trusted proxies in front of the application the Nth entry from the right is the address the
outermost proxy saw: the real client. Entries to the left of it were written by the client and
prove nothing; REMOTE_ADDR is only the innermost proxy.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    return address_behind_proxies(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRUSTED_PROXY_COUNT,
    )


def address_behind_proxies(remote_addr, forwarded_for, trusted_proxy_count):
    """The client's address, or REMOTE_ADDR when the header cannot have come from our proxies.

    A request with fewer entries than trusted proxies, or a malformed entry where our outermost
    proxy should have written one, did not come through them all: its header is not believed.
    """
    if trusted_proxy_count == 0:
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",")] if forwarded_for else []
    if len(hops) < trusted_proxy_count:
        return remote_addr
    candidate = hops[-trusted_proxy_count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
