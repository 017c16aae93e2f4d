"""The QR payload: round trip, tampering (10,000 bit flips), unknown keys, garbage, pycose interop."""

from __future__ import annotations

import base64
import json
import random
import zlib
from datetime import UTC

import base45
import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycose.headers import KID, Algorithm
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import Sign1Message

from sheba.certificates import payload
from sheba.certificates.keyfile import keys_document, load_key_file, parse_keys_document
from sheba.certificates.payload import (
    BadBase45,
    BadCompression,
    BadCose,
    BadPrefix,
    BadSignature,
    KeyNotValid,
    PayloadError,
    PublishedKey,
    UnknownKey,
    qr_payload_verify,
)
from sheba.certificates.selectors import published_keys, published_keys_document, qr_image
from sheba.certificates.services import qr_payload_sign, signing_key_rotate

pytestmark = pytest.mark.django_db


def test_round_trip_carries_minimal_claims_and_no_full_nid(issue):
    cert = issue()
    assert cert.serial == f"UP-3506-{cert.issued_on.year}-000001"
    assert cert.payload.startswith("BD1:")
    verified = qr_payload_verify(cert.payload, published_keys())
    assert verified.kid == bytes(cert.signing_key.kid)
    assert verified.issuer == "BD-Sheba"
    assert verified.serial == cert.serial
    claims = dict(verified.claims)
    assert claims["hn"] == ["মোছাঃ খাদিজা আক্তার", "Mst. Khadija Akter"]
    assert claims["tn"] == ["নাগরিকত্ব সনদ", "Citizenship certificate"]
    assert claims["t"] == "citizenship"
    assert claims["o"] == "UP-3506"
    assert claims["id"] == "6789"
    assert claims["d"] == cert.issued_on.isoformat()
    assert "1990123456789" not in json.dumps(claims, ensure_ascii=False)
    assert cert.holder_id_last4 == "6789"
    # Signing is deterministic (Ed25519): signing the stored certificate again gives the same code.
    assert qr_payload_sign(cert) == cert.payload


def test_serials_count_up_per_office_and_year(issue):
    first, second = issue(), issue()
    year = first.issued_on.year
    assert first.serial == f"UP-3506-{year}-000001"
    assert second.serial == f"UP-3506-{year}-000002"


def _all_single_bit_flips(cose: bytes, total: int, seed: int = 6):
    """Every bit once (the COSE is a few hundred bytes), then random bits up to ``total``."""
    bits = len(cose) * 8
    positions = list(range(bits))
    rng = random.Random(seed)
    positions += [rng.randrange(bits) for _ in range(max(0, total - bits))]
    for position in positions[:total]:
        flipped = bytearray(cose)
        flipped[position // 8] ^= 1 << (position % 8)
        yield bytes(flipped)


def test_ten_thousand_bit_flips_are_all_rejected(issue):
    cert = issue()
    keys = {k.kid: k for k in published_keys()}
    cose = payload.decode_text(cert.payload)
    assert payload.verify_cose(cose, keys).serial == cert.serial
    accepted, kinds = 0, set()
    for flipped in _all_single_bit_flips(cose, 10_000):
        try:
            payload.verify_cose(flipped, keys)
        except PayloadError as exc:
            kinds.add(type(exc))
        else:
            accepted += 1
    assert accepted == 0
    assert {BadCose, BadSignature, UnknownKey} <= kinds


def test_bit_flips_through_the_full_text_are_rejected(issue):
    cert = issue()
    keys = published_keys()
    cose = payload.decode_text(cert.payload)
    for flipped in _all_single_bit_flips(cose, 300, seed=7):
        with pytest.raises(PayloadError):
            qr_payload_verify(payload.encode_text(flipped), keys)


def test_unknown_kid_is_refused_as_unknown(issue):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    cert = issue()
    stranger = Ed25519PrivateKey.generate()
    forged = payload.sign_claims({1: "x", 6: 1, "sbc": {"v": 1}}, private_key=stranger, kid=b"12345678")
    with pytest.raises(UnknownKey) as caught:
        qr_payload_verify(forged, published_keys())
    assert caught.value.kid == b"12345678"
    # The real kid with a stranger's signature: a bad signature.
    forged = payload.sign_claims({1: "x", 6: 1, "sbc": {"v": 1}}, private_key=stranger, kid=bytes(cert.kid))
    with pytest.raises(BadSignature):
        qr_payload_verify(forged, published_keys())
    # No keys at all: unknown.
    with pytest.raises(UnknownKey):
        qr_payload_verify(cert.payload, [])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", BadPrefix),
        ("HC1:6BFOXN", BadPrefix),
        ("BD1:" + "A" * 100_000, BadPrefix),  # too long
        ("BD1:abc", BadBase45),  # lower case is not base45
        ("BD1:GGW", BadBase45),  # out-of-range triple
        ("BD1:" + base45.b45encode(b"junk junk junk").decode(), BadCompression),
        ("BD1:" + base45.b45encode(zlib.compress(b"\xff\x00junk")).decode(), BadCose),
        ("BD1:" + base45.b45encode(zlib.compress(cbor2.dumps([1, 2, 3]))).decode(), BadCose),
        (
            "BD1:" + base45.b45encode(zlib.compress(b"\x00" * 100_000)).decode(),
            BadCompression,
        ),  # too large inflated
    ],
)
def test_garbage_raises_the_matching_error(text, error):
    with pytest.raises(error):
        qr_payload_verify(text, [])


def test_unprotected_header_content_and_other_algorithms_are_refused(issue):
    cert = issue()
    keys = published_keys()
    tag = cbor2.loads(payload.decode_text(cert.payload))
    protected, _unprotected, body, signature = tag.value
    with_kid_outside = cbor2.dumps(cbor2.CBORTag(18, [protected, {4: b"x"}, body, signature]))
    with pytest.raises(BadCose):
        payload.verify_cose(with_kid_outside, keys)
    es256 = cbor2.dumps({1: -7, 4: bytes(cert.kid)})
    with pytest.raises(BadCose):
        payload.verify_cose(cbor2.dumps(cbor2.CBORTag(18, [es256, {}, body, signature])), keys)
    untagged = cbor2.dumps([protected, {}, body, signature])
    with pytest.raises(BadCose):
        payload.verify_cose(untagged, keys)
    trailing = payload.decode_text(cert.payload) + b"\x00"
    with pytest.raises(BadCose):
        payload.verify_cose(trailing, keys)


def test_rotation_keeps_old_certificates_valid_and_retired_key_cannot_sign_later(
    issue, chairman_post, signing_key
):
    old_cert = issue()
    new_key = signing_key_rotate(actor=None, post=chairman_post)
    signing_key.refresh_from_db()
    assert signing_key.status == "retired" and signing_key.retired_at is not None
    new_cert = issue()
    assert bytes(new_cert.kid) == bytes(new_key.kid) != bytes(old_cert.kid)
    keys = published_keys()
    assert {k.kid for k in keys} == {bytes(signing_key.kid), bytes(new_key.kid)}
    assert qr_payload_verify(old_cert.payload, keys).serial == old_cert.serial
    assert qr_payload_verify(new_cert.payload, keys).serial == new_cert.serial
    # A code made with the retired key but dated after its retirement is refused.
    from sheba.certificates.services import _private_key

    late = dict(cbor2.loads(cbor2.loads(payload.decode_text(old_cert.payload)).value[2]))
    late[6] = int(signing_key.retired_at.timestamp()) + 3600
    text = payload.sign_claims(late, private_key=_private_key(signing_key), kid=bytes(signing_key.kid))
    with pytest.raises(KeyNotValid):
        qr_payload_verify(text, keys)


def test_exported_key_file_verifies_with_pycose_independently(issue, tmp_path):
    cert = issue()
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(published_keys_document(), ensure_ascii=False), encoding="utf-8")
    document = json.loads(path.read_text(encoding="utf-8"))
    (entry,) = document["keys"]
    assert entry["kid"] == bytes(cert.kid).hex()
    assert entry["status"] == "active"
    assert entry["post"]["code"] == "up_chairman"
    raw_public = base64.urlsafe_b64decode(entry["x"] + "=" * (-len(entry["x"]) % 4))

    # Decode the QR text by hand (base45, zlib) and let pycose do the COSE part.
    cose = zlib.decompress(base45.b45decode(cert.payload[len("BD1:") :]))
    message = Sign1Message.decode(cose)
    assert message.phdr[KID] == bytes.fromhex(entry["kid"])
    assert message.phdr[Algorithm].identifier == -8
    message.key = OKPKey(crv=Ed25519, x=raw_public)
    assert message.verify_signature() is True
    assert cbor2.loads(message.payload)["sbc"]["sn"] == cert.serial

    tampered = bytearray(cose)
    tampered[-1] ^= 1
    message = Sign1Message.decode(bytes(tampered))
    message.key = OKPKey(crv=Ed25519, x=raw_public)
    assert message.verify_signature() is False

    # And the other way: pycose signs, our verifier (with the key file) accepts.
    from datetime import datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    private = Ed25519PrivateKey.generate()
    pub = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    kid = payload.kid_for(pub)
    other_keys = parse_keys_document(
        keys_document(
            [PublishedKey(kid=kid, public_key=private.public_key())], generated_at=datetime.now(tz=UTC)
        )
    )
    msg = Sign1Message(
        phdr={Algorithm: -8, KID: kid},
        payload=cbor2.dumps({1: "BD-Sheba", 6: 1_790_000_000, "sbc": {"v": 1, "sn": "X-1"}}),
    )
    msg.key = OKPKey(
        crv=Ed25519, d=private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()), x=pub
    )
    text = payload.encode_text(msg.encode())
    assert qr_payload_verify(text, other_keys).serial == "X-1"
    assert load_key_file(path).keys() == {bytes(cert.kid)}


def test_qr_image_renders_svg_and_png(issue):
    cert = issue()
    svg = qr_image(cert.payload)
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    png = qr_image(cert.payload, kind="png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_code_broken_over_lines_still_verifies(issue):
    cert = issue()
    text = cert.payload
    broken = "\n".join(text[i : i + 60] for i in range(0, len(text), 60)) + "\r\n"
    assert qr_payload_verify(broken, published_keys()).serial == cert.serial


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.text(max_size=600),
        st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", max_size=600).map(
            lambda t: "BD1:" + t
        ),
        st.binary(max_size=400).map(lambda b: "BD1:" + base45.b45encode(zlib.compress(b)).decode()),
    )
)
def test_arbitrary_input_only_ever_raises_payload_errors(text):
    with pytest.raises(PayloadError):
        qr_payload_verify(text, [])
