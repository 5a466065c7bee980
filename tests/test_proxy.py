"""Behind the proxy, login throttling keys on the real client: unspoofable, and per client."""

import ipaddress

import pytest
from django.urls import reverse

from gangmen.proxy import address_behind_proxies

PROXY = "10.0.0.2"  # the innermost proxy: REMOTE_ADDR of every proxied request
CLIENT = "203.0.113.7"


NONE = []
ONE = [ipaddress.ip_network("10.0.0.2/32")]
OURS = [ipaddress.ip_network("10.0.0.0/24")]  # two proxies, 10.0.0.1 in front of 10.0.0.2


@pytest.mark.parametrize(
    ("trusted", "remote_addr", "forwarded_for", "expected"),
    [
        # No trusted proxy: X-Forwarded-For is whatever the client wrote; only the socket counts.
        (NONE, PROXY, "", PROXY),
        (NONE, PROXY, "198.51.100.1", PROXY),
        # One proxy: it appended the address it saw, the last entry.
        (ONE, PROXY, CLIENT, CLIENT),
        (ONE, PROXY, f"198.51.100.1, {CLIENT}", CLIENT),  # a forged entry in front is ignored
        (ONE, PROXY, f"1.1.1.1,2.2.2.2 , {CLIENT}", CLIENT),
        (ONE, PROXY, f"  {CLIENT}  ", CLIENT),
        # A forged entry naming one of our proxies is still left of the real client.
        (ONE, PROXY, f"10.0.0.2, {CLIENT}", CLIENT),
        # Two proxies: the outer one appended the client, the inner one the outer proxy.
        (OURS, PROXY, f"{CLIENT}, 10.0.0.1", CLIENT),
        (OURS, PROXY, f"198.51.100.1, {CLIENT}, 10.0.0.1", CLIENT),
        # The request came through the inner proxy only: the first untrusted hop is the client.
        (OURS, PROXY, CLIENT, CLIENT),
        # Not from a trusted proxy at all: the header is not believed, however it looks.
        (ONE, "198.51.100.9", CLIENT, "198.51.100.9"),
        (OURS, "10.0.1.2", CLIENT, "10.0.1.2"),
        # IPv6 clients, written canonically.
        (ONE, PROXY, "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        # Nothing, or not an address, where our proxy would have written one: the proxy itself.
        (ONE, PROXY, "", PROXY),
        (ONE, PROXY, "unknown", PROXY),
        (ONE, PROXY, f"{CLIENT}, <script>", PROXY),
        (ONE, PROXY, f"{CLIENT}:443", PROXY),
        (ONE, PROXY, "' OR 1=1 --", PROXY),
        (OURS, PROXY, f"{CLIENT}, garbage", PROXY),
    ],
)
def test_client_address_behind_trusted_proxies(trusted, remote_addr, forwarded_for, expected):
    assert address_behind_proxies(remote_addr, forwarded_for, trusted) == expected


@pytest.mark.parametrize(
    ("value", "networks"),
    [
        ("", []),
        ("10.0.0.2", [ipaddress.ip_network("10.0.0.2/32")]),
        (
            "10.0.0.0/24, 2001:db8::/32",
            [ipaddress.ip_network(n) for n in ("10.0.0.0/24", "2001:db8::/32")],
        ),
        ("10.0.0.1/24", [ipaddress.ip_network("10.0.0.0/24")]),
    ],
)
def test_trusted_proxies_are_read_as_networks(monkeypatch, value, networks):
    from gangmen.settings import envnetworks

    monkeypatch.setenv("TRUSTED_PROXIES", value)
    assert envnetworks("TRUSTED_PROXIES", "") == networks


@pytest.mark.parametrize("value", ["1", "10.0.0.0/33", "proxy.example", "10.0.0.0/24;10.1.0.0/24"])
def test_a_trusted_proxy_that_is_not_a_network_stops_the_start(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from gangmen.settings import envnetworks

    monkeypatch.setenv("TRUSTED_PROXIES", value)
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES must list IP networks"):
        envnetworks("TRUSTED_PROXIES", "")


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXIES = ONE
    return settings


def fail_login(client, username, client_address, forged=""):
    forwarded_for = f"{forged}, {client_address}" if forged else client_address
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": "wrong"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def log_in(client, username, client_address):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": "pw", "next": "/office/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@pytest.mark.django_db
def test_an_attacker_forging_x_forwarded_for_is_still_locked_out(client, office, behind_one_proxy):
    attacker = "198.51.100.66"
    for attempt in range(behind_one_proxy.AXES_FAILURE_LIMIT):
        fail_login(client, "reporter_a", attacker, forged=f"192.0.2.{attempt}")
    response = log_in(client, "reporter_a", f"192.0.2.99, {attacker}")
    assert response.status_code == 429, "a fresh forged address dodged the lockout"


@pytest.mark.django_db
def test_an_attacker_cannot_lock_the_office_out(client, office, behind_one_proxy):
    attacker, office_address = "198.51.100.66", "203.0.113.7"
    for _ in range(behind_one_proxy.AXES_FAILURE_LIMIT + 2):
        fail_login(client, "reporter_a", attacker)
    assert log_in(client, "reporter_a", attacker).status_code == 429
    response = log_in(client, "reporter_a", office_address)
    assert response.status_code == 302 and response["Location"] == "/office/"
    response = log_in(client, "reporter_b", office_address)
    assert response.status_code == 302, "another official was locked out"


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_header_is_ignored(client, office, settings):
    settings.TRUSTED_PROXIES = []
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client, "reporter_a", f"192.0.2.{attempt}")
    assert log_in(client, "reporter_a", "192.0.2.200").status_code == 429
