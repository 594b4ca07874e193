"""A self-signed certificate for trying Grafana over https.

Browsers and clients will not trust it; it is for tests and first setups.
Use a certificate from a real authority (``--tls-cert``/``--tls-key``) for
anything users reach.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

VALID_DAYS = 365


def self_signed(domain: str) -> tuple[bytes, bytes]:
    """A certificate and its private key, PEM-encoded, for ``domain``.

    The certificate also names ``localhost`` and ``127.0.0.1`` so the deploy's
    health check can verify it.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    dns_names = sorted({domain, "localhost"})
    alt_names: list[x509.GeneralName] = [x509.DNSName(n) for n in dns_names]
    alt_names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    now = datetime.now(UTC)

    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )

    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert_pem, key_pem
