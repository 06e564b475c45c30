"""preset:crypto and preset:secrets on more real shapes: a Java local declared with a crypto type
joins through method calls on it, nonce/salt/IV makers, private keys serialised."""

from __future__ import annotations

from pathlib import Path

from .test_regressions import classifier, zoned

# Eclipse Jetty 9.4.57 (Apache-2.0), jetty-util/.../ssl/SslContextFactory.java (abridged)
JETTY_SSL = """
package org.eclipse.jetty.util.ssl;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

public class SslContextFactory {
    private int _sslSessionCacheSize;

    protected KeyManager[] getKeyManagers(KeyStore keyStore) throws Exception {
        KeyManagerFactory keyManagerFactory = getKeyManagerFactoryInstance();
        keyManagerFactory.init(keyStore, null);
        return keyManagerFactory.getKeyManagers();
    }

    protected KeyManager[] none() {
        KeyManager[] managers = null;
        return managers;
    }

    public int getSslSessionCacheSize() { return _sslSessionCacheSize; }
}
"""


def test_java_typed_local_joins_through_calls_on_it(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "crypto"), "SslContextFactory.java", JETTY_SSL, "crypto")
    assert found == {"SslContextFactory.getKeyManagers"}  # a typed local that is only returned is no use


def test_nonce_salt_and_iv_makers_but_not_their_settings(tmp_path: Path) -> None:
    # Syncthing 1.19.2 (MPL-2.0), lib/protocol/encryption.go (abridged); Jetty's DigestAuthenticator getter
    go = """
    package protocol

    func randomNonce() *[24]byte {
        var nonce [24]byte
        readRandom(nonce[:])
        return &nonce
    }

    func (a *DigestAuthenticator) GetMaxNonceCount() int { return a.maxNC }
    """
    assert zoned(classifier(tmp_path, "crypto"), "encryption.go", go, "crypto") == {"randomNonce"}


def test_serialising_a_private_key_is_secrets(tmp_path: Path) -> None:
    # Syncthing 1.19.2 (MPL-2.0), lib/tlsutil/tlsutil.go (abridged)
    go = """
    package tlsutil

    import "crypto/x509"

    func pemBlockForKey(priv interface{}) (*pem.Block, error) {
        b, err := x509.MarshalECPrivateKey(priv.(*ecdsa.PrivateKey))
        return &pem.Block{Type: "EC PRIVATE KEY", Bytes: b}, err
    }

    func certBlock(der []byte) *pem.Block { return &pem.Block{Type: "CERTIFICATE", Bytes: der} }
    """
    assert zoned(classifier(tmp_path, "secrets"), "tlsutil.go", go, "secrets") == {"pemBlockForKey"}
    python = """
    from cryptography.hazmat.primitives import serialization

    def save_key(key, path):
        data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, None)
        open(path, "wb").write(data)

    def save_cert(cert, path):
        open(path, "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    """
    assert zoned(classifier(tmp_path, "secrets"), "keys.py", python, "secrets") == {"save_key"}
