"""Logging in (issue 11): password spraying is stopped per user name, staff with an authenticator
give its code, leaders and administrators must have one when REQUIRE_2FA is on, and passwords
are at least 12 characters long."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def log_in(client, username, password="pw", address="203.0.113.7", **fields):  # noqa: S107
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/office/", **fields},
        REMOTE_ADDR=address,
    )


# --- Throttling: per name and address, and per name alone (higher) ---------------------------


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_USERNAME_FAILURE_LIMIT = 6
    return settings


def test_spraying_one_name_from_many_addresses_locks_the_name(client, office, limits):
    for n in range(limits.AXES_USERNAME_FAILURE_LIMIT):
        # Two tries per address: each address stays below the per-address limit of 3.
        log_in(client, "reporter_a", "wrong", address=f"198.51.100.{n // 2}")
    response = log_in(client, "reporter_a", address="192.0.2.200")
    assert response.status_code == 429, "a fresh address still got in after the name's limit"
    assert log_in(client, "reporter_b").status_code == 302, "other officials are not affected"


def test_below_the_names_limit_the_owner_logs_in_and_keeps_the_count(client, office, limits):
    for n in range(limits.AXES_USERNAME_FAILURE_LIMIT - 1):
        log_in(client, "reporter_a", "wrong", address=f"198.51.100.{n}")
    assert log_in(client, "reporter_a").status_code == 302
    client.logout()
    log_in(client, "reporter_a", "wrong", address="198.51.100.99")
    response = log_in(client, "reporter_a", address="192.0.2.1")
    assert response.status_code == 429, "the owner's login wiped the attacker's count"


def test_the_per_address_limit_still_comes_first(client, office, limits):
    for _ in range(limits.AXES_FAILURE_LIMIT):
        log_in(client, "reporter_a", "wrong", address="198.51.100.1")
    assert log_in(client, "reporter_a", address="198.51.100.1").status_code == 429
    assert log_in(client, "reporter_a", address="203.0.113.7").status_code == 302


# --- Two-factor login -------------------------------------------------------------------------


def authenticator(user):
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def code(device):
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token())


WRONG_CODE = (
    "动态验证码不正确或已过期。请打开验证器应用，填写当前显示的6位数字；"
    "手机丢失时请联系系统管理员重置验证器。"
)
NO_AUTHENTICATOR = (
    "审核领导和系统管理员必须使用两步验证登录，但您的账号还没有验证器。"
    "请联系系统管理员在后台“身份验证器”中为您添加，并用手机验证器应用扫描二维码。"
)

# (role, has an authenticator, REQUIRE_2FA, code given, outcome)
LOGINS = [
    ("reporter_a", False, False, "", "in"),
    ("reporter_a", False, True, "", "in"),  # only leaders and administrators must
    ("reporter_a", True, False, "", WRONG_CODE),  # an authenticator is always asked for
    ("reporter_a", True, False, "000000", WRONG_CODE),
    ("reporter_a", True, False, "right", "in"),
    ("leader", False, False, "", "in"),
    ("leader", False, True, "", NO_AUTHENTICATOR),
    ("leader", True, True, "right", "in"),
    ("admin", False, True, "", NO_AUTHENTICATOR),
    ("admin", True, True, "123", WRONG_CODE),
    ("admin", True, True, "right", "in"),
]


@pytest.mark.parametrize(("role", "has_device", "required", "given", "outcome"), LOGINS)
def test_two_factor_login(client, office, settings, role, has_device, required, given, outcome):
    settings.REQUIRE_2FA = required
    user = getattr(office, role)
    device = authenticator(user) if has_device else None
    token = code(device) if given == "right" else given
    response = log_in(client, user.username, otp_token=token)
    if outcome == "in":
        assert response.status_code == 302 and response["Location"] == "/office/"
        assert client.get("/office/").status_code == 200
        return
    assert response.status_code == 200
    assert outcome in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_login_page_asks_for_the_code(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert 'name="otp_token"' in page and 'autocomplete="one-time-code"' in page


def test_with_2fa_required_an_unverified_leaders_session_is_ended(client, office, settings):
    settings.REQUIRE_2FA = True
    client.force_login(office.leader)  # e.g. logged in before REQUIRE_2FA was switched on
    response = client.get(reverse("office:review_list"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session
    client.force_login(office.reporter_a)
    assert client.get(reverse("office:my_targets")).status_code == 200, "reporters unaffected"


def test_administrators_manage_the_authenticators(client, office):
    client.force_login(office.admin)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200
    client.force_login(office.leader)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403


# --- Passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "accepted"),
    [("short-pw-11", False), ("港门镇-目标-2022-x", True), ("long-enough-12", True)],
)
def test_passwords_are_at_least_12_characters(password, accepted):
    try:
        password_validation.validate_password(password)
    except ValidationError as error:
        assert not accepted, error.messages
        assert any("12" in message for message in error.messages)
    else:
        assert accepted
