"""app.domain.op_signing: a signature binds the op id, kind and payload to one key, and a
wrapped key opens only with its password."""

from app.domain import op_signing

DIGEST = "ab" * 32


def test_a_signature_verifies_only_for_its_op_and_key():
    key, other = op_signing.new_key(), op_signing.new_key()
    sig = op_signing.sign(key, "op-1", "sale", DIGEST)
    assert op_signing.verify(key, sig, "op-1", "sale", DIGEST)
    assert op_signing.verify(key, sig.upper(), "op-1", "sale", DIGEST)
    assert not op_signing.verify(other, sig, "op-1", "sale", DIGEST)
    assert not op_signing.verify(key, sig, "op-2", "sale", DIGEST)
    assert not op_signing.verify(key, sig, "op-1", "refund", DIGEST)
    assert not op_signing.verify(key, sig, "op-1", "sale", "cd" * 32)
    for bad in (None, "", 42, "zz" * 32, sig[:-1]):
        assert not op_signing.verify(key, bad, "op-1", "sale", DIGEST)
    assert not op_signing.verify(None, sig, "op-1", "sale", DIGEST)
    assert not op_signing.verify("not-hex", sig, "op-1", "sale", DIGEST)


def test_a_wrapped_key_opens_with_its_password_only():
    key = op_signing.new_key()
    wrapped = op_signing.wrap(key, "密码-clerk1")
    assert key not in wrapped
    assert op_signing.unwrap(wrapped, "密码-clerk1") == key
    assert op_signing.unwrap(wrapped, "clerk2") != key
    assert op_signing.wrap(key, "密码-clerk1") != wrapped  # a fresh salt each time
    for bad in (None, "", "nocolon", "00:11", "zz:zz"):
        assert op_signing.unwrap(bad, "密码-clerk1") is None
