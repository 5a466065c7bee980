"""Behind the proxy, login throttling keys on the real client: unspoofable, and per client."""

import pytest
from django.urls import reverse

from gangmen.proxy import address_behind_proxies

PROXY = "10.0.0.2"  # the innermost proxy: REMOTE_ADDR of every proxied request
CLIENT = "203.0.113.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        # No proxy: X-Forwarded-For is whatever the client wrote; only the socket counts.
        (0, "", PROXY),
        (0, "198.51.100.1", PROXY),
        # One proxy: it appended the address it saw, the last entry.
        (1, CLIENT, CLIENT),
        (1, f"198.51.100.1, {CLIENT}", CLIENT),  # a forged entry in front is ignored
        (1, f"1.1.1.1,2.2.2.2 , {CLIENT}", CLIENT),
        (1, f"  {CLIENT}  ", CLIENT),
        # Two proxies: the outer one appended the client, the inner one the outer proxy.
        (2, f"{CLIENT}, 10.0.0.1", CLIENT),
        (2, f"198.51.100.1, {CLIENT}, 10.0.0.1", CLIENT),
        # IPv6 clients, written canonically.
        (1, "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        # Not through all the proxies, or not an address where ours would write one: REMOTE_ADDR.
        (1, "", PROXY),
        (2, CLIENT, PROXY),
        (1, "unknown", PROXY),
        (1, f"{CLIENT}, <script>", PROXY),
        (1, f"{CLIENT}:443", PROXY),
        (1, "' OR 1=1 --", PROXY),
    ],
)
def test_client_address_behind_trusted_proxies(proxies, forwarded_for, expected):
    assert address_behind_proxies(PROXY, forwarded_for, proxies) == expected


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
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
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client, "reporter_a", f"192.0.2.{attempt}")
    assert log_in(client, "reporter_a", "192.0.2.200").status_code == 429
