"""Ops signed by the clerk who made them (DESIGN.md §9, §14).

A window's ops are pushed with the token of whoever is signed in when the network allows, and
that may be the next clerk: the ops a clerk made offline and left unsent when signing out must
still reach the store as his, and nobody else may push an op in his name. So each clerk+ user
has a random **op key** kept by the store (`users.op_key`) and handed to a window at an online
sign-in; the window keeps it wrapped under the clerk's password (`users.op_key_wrapped`: only
that password opens it, so the next clerk at the same PC cannot sign as him) and, while he is
signed in, signs every op it queues: HMAC-SHA256 over the op id, kind and payload digest. The
store takes a signed op as its signer's, whoever's token carried it; an op without a valid
signature belongs to the token's user.

The key does not change with the password: an op signed before a password change or a
deactivation is still his (the money changed hands then).
"""

import hashlib
import hmac
import secrets

SIGNER_ROLES = ("clerk", "supervisor", "finance", "admin")  # "clerk+": who works a window
KEY_BYTES = 32
WRAP_ITERATIONS = 60_000  # PBKDF2-SHA256: ~30 ms once per sign-in, on top of argon2


def new_key() -> str:
    """A fresh op key, hex."""
    return secrets.token_hex(KEY_BYTES)


def sign(key: str, op_id: str, kind: str, payload_sha256: str) -> str:
    """The signature of one op, hex."""
    message = f"{op_id}\n{kind}\n{payload_sha256}".encode()
    return hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()


def verify(key: str | None, signature: object, op_id: str, kind: str,
           payload_sha256: str) -> bool:
    """True when `signature` is this op's under `key` (False for any malformed input)."""
    if not key or not isinstance(signature, str) or len(signature) != 64:
        return False
    try:
        expected = sign(key, op_id, kind, payload_sha256)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signature.lower())


def _kek(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, WRAP_ITERATIONS, KEY_BYTES)


def wrap(key: str, password: str) -> str:
    """`salt:cipher` (hex): the key, opened only with `password` (a fresh salt each time, so
    the one-time pad is never reused)."""
    salt = secrets.token_bytes(16)
    cipher = bytes(a ^ b for a, b in zip(bytes.fromhex(key), _kek(password, salt), strict=True))
    return f"{salt.hex()}:{cipher.hex()}"


def unwrap(wrapped: str | None, password: str) -> str | None:
    """The key `wrap` hid under `password` (None when there is none, or it is malformed). A
    wrong password gives a wrong key: call it only after the password was verified."""
    if not wrapped:
        return None
    try:
        salt_hex, cipher_hex = wrapped.split(":")
        cipher, salt = bytes.fromhex(cipher_hex), bytes.fromhex(salt_hex)
    except ValueError:
        return None
    if len(cipher) != KEY_BYTES:
        return None
    return bytes(a ^ b for a, b in zip(cipher, _kek(password, salt), strict=True)).hex()
