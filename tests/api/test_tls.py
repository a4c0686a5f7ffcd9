"""Over https: verification is on, and cancel still stops a stalled stream at once (TLS socket shutdown)."""

import datetime
import ipaddress
import ssl
import threading
import time

import pytest

from desktop_chat.api import CancelToken, ChatMessage, Credentials, NetworkError, Status, YandexGptClient
from desktop_chat.api.client import _readers
from tests.fakes.yandex_server import FakeYandexServer
from tests.fixtures.fake_server import FAKE_MODEL_URI

HELLO = [ChatMessage("user", "Привет")]


@pytest.fixture(scope="module")
def cert_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (made here: no key material is committed)."""
    from cryptography import x509  # a test dependency (and keyring's on Linux)
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(cert_files):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert_files)
    with FakeYandexServer(chunk_delay=0.005, ssl_context=context) as server:
        yield server


def trusting_client(url: str, cert_path) -> YandexGptClient:
    client = YandexGptClient(Credentials("api_key", "k" * 8), url)
    client._session.verify = str(cert_path)  # trust the test CA; verification itself stays on
    return client


def test_untrusted_certificate_is_refused(tls_server):
    assert tls_server.url.startswith("https://127.0.0.1:")
    with YandexGptClient(Credentials("api_key", "k" * 8), tls_server.url) as client, pytest.raises(NetworkError):
        client.complete(FAKE_MODEL_URI, HELLO)


def test_stream_over_tls(tls_server, cert_files):
    with trusting_client(tls_server.url, cert_files[0]) as client:
        items = list(client.stream(FAKE_MODEL_URI, HELLO, cancel=CancelToken()))
    assert items[-1].status is Status.FINAL


@pytest.mark.parametrize("after_chunks", [0, 1])
def test_cancel_stalled_tls_stream(tls_server, cert_files, after_chunks):
    tls_server.stall_next(after_chunks=after_chunks)
    busy = _readers.busy
    token = CancelToken()
    stamp: dict[str, float] = {}

    def fire():
        stamp["at"] = time.monotonic()
        token.cancel()

    threading.Timer(0.15, fire).start()
    with trusting_client(tls_server.url, cert_files[0]) as client:
        items = list(client.stream(FAKE_MODEL_URI, HELLO, cancel=token))
    assert time.monotonic() - stamp["at"] < 0.2
    assert len(items) == after_chunks
    if after_chunks:
        deadline = time.monotonic() + 1
        while _readers.busy > busy and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _readers.busy <= busy
