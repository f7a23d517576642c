"""Signing in with the second step in tests: a user's authenticator app (a confirmed TOTP device),
the code it shows now, and a test client signed in as a session that passed the second step (as
the sign-in page leaves it), for the users whose role requires it."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from siex.accounts.selectors import two_factor_required


def authenticator(user) -> TOTPDevice:
    """The user's authenticator app (set up once, then the same)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    """The code the app shows now. A code is accepted once: the device forgets the last one it
    accepted (and any failures), so that a test may sign in twice within one time step."""
    device.last_t = -1
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save(
        update_fields=["last_t", "throttling_failure_count", "throttling_failure_timestamp"]
    )
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def force_login_verified(client: Client, user) -> Client:
    """``client.force_login(user)``, and for a user whose role requires the second step a session
    that passed it with their app (as the sign-in page leaves it)."""
    client.force_login(user)
    if two_factor_required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
    return client


def set_up_through_the_pages(client: Client) -> None:
    """Set up an authenticator app on django-two-factor-auth's setup pages, as a user does: the
    welcome step, then the code for the key the page shows (read from the session, as the app
    would read it from the QR code)."""
    from base64 import b32decode

    from django.urls import reverse

    url = reverse("two_factor:setup")
    client.get(url)
    client.post(url, {"setup_view-current_step": "welcome"})
    secret = client.session["django_two_factor-qr_secret_key"]
    code = totp(b32decode(secret), 30, 0, 6, 0)
    response = client.post(
        url, {"setup_view-current_step": "generator", "generator-token": f"{code:06d}"}
    )
    assert response.status_code == 302, response.content
