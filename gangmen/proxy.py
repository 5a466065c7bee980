"""The address of the client behind our own reverse proxies, for login throttling (django-axes).

Each proxy appends the address it received the request from to X-Forwarded-For. Only a proxy in
TRUSTED_PROXIES (networks, e.g. 10.0.0.0/24) is believed: starting from the socket's peer
(REMOTE_ADDR) and walking the header from the right, the first address outside those networks
is the client. Entries further left were written by the client and prove nothing; a header that
did not come from a trusted proxy is ignored altogether.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    return address_behind_proxies(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRUSTED_PROXIES,
    )


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def address_behind_proxies(remote_addr, forwarded_for, trusted_networks):
    """The client's address: the nearest one, from the right, that is not a trusted proxy.

    A malformed entry where a trusted proxy should have written an address means the header
    cannot be read: the last trusted hop is returned, never anything a client wrote.
    """
    hop = _address(remote_addr)
    if hop is None:
        return remote_addr
    hops = forwarded_for.split(",") if forwarded_for else []
    while any(hop in network for network in trusted_networks):
        if not hops:
            break
        previous = _address(hops.pop())
        if previous is None:
            break
        hop = previous
    return str(hop)
