"""preset:auth and preset:crypto on names that state a decision, from the Go and Java apps of the
corpus: permission checks about a named thing, whether authentication applies, API-key checks,
a token type's verification methods, the user store a login reads, a stored password looked up
by user name, a key object that verifies, and the classic `crypt`. Each is paired with the
nearest name that must not match (lexers' `check_token`, the JVM sandbox's `checkShutdownAccess`,
a plain getter)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .test_regressions import classifier, zoned


def test_permission_checks_about_a_named_thing(tmp_path: Path) -> None:
    # Eclipse Jetty 9.4.57 (Apache-2.0), jetty-security/.../ConstraintSecurityHandler.java and
    # Apache Tomcat 10.1 (Apache-2.0), java/org/apache/tomcat/util/threads/ThreadPoolExecutor.java
    java = """
    public class ConstraintSecurityHandler extends SecurityHandler {
        protected boolean checkUserDataPermissions(String pathInContext, Request request, RoleInfo roleInfo) {
            if (roleInfo == null)
                return true;
            return !roleInfo.isForbidden();
        }

        private void checkShutdownAccess() {
            SecurityManager security = System.getSecurityManager();
        }

        public int getMaxNonceCount() { return 0; }
    }
    """
    found = zoned(classifier(tmp_path, "auth"), "ConstraintSecurityHandler.java", java, "auth")
    assert found == {"ConstraintSecurityHandler.checkUserDataPermissions"}


def test_django_rest_framework_permission_classes(tmp_path: Path) -> None:
    # the shape of rest_framework/permissions.py (BSD-3-Clause): has_object_permission
    python = """
    class IsOwner:
        def has_object_permission(self, request, view, obj):
            return obj.owner == request.user

        def describe(self):
            return "owner only"
    """
    assert zoned(classifier(tmp_path, "auth"), "permissions.py", python, "auth") == {"IsOwner.has_object_permission"}


def test_whether_auth_applies_and_api_key_checks(tmp_path: Path) -> None:
    # Syncthing 1.19.2 (MPL-2.0), lib/config/guiconfiguration.go (abridged)
    go = """
    package config

    func (c GUIConfiguration) IsAuthEnabled() bool {
        return c.AuthMode == AuthModeLDAP || (len(c.User) > 0 && len(c.Password) > 0)
    }

    func (c GUIConfiguration) IsOverridden() bool {
        return os.Getenv("STGUIADDRESS") != ""
    }

    func (c GUIConfiguration) IsValidAPIKey(apiKey string) bool {
        switch apiKey {
        case "":
            return false
        default:
            return apiKey == c.APIKey
        }
    }
    """
    found = zoned(classifier(tmp_path, "auth"), "guiconfiguration.go", go, "auth")
    assert found == {"GUIConfiguration.IsAuthEnabled", "GUIConfiguration.IsValidAPIKey"}


def test_a_lexer_checking_its_next_token_is_not_auth(tmp_path: Path) -> None:
    # the shape of PyYAML's scanner.py (MIT): check_token / check_next_token
    python = """
    class Scanner:
        def check_token(self, *choices):
            return bool(self.tokens)

        def validate_next_token(self):
            return self.tokens[0]
    """
    assert zoned(classifier(tmp_path, "auth"), "scanner.py", python, "auth") == set()


def test_a_token_types_verification_methods_and_the_key_that_verifies(tmp_path: Path) -> None:
    # Docker distribution 2.8.2 (Apache-2.0), registry/auth/token/token.go (abridged)
    go = """
    package token

    func (t *Token) Verify(verifyOpts VerifyOptions) error {
        signingKey, err := t.VerifySigningKey(verifyOpts)
        if err != nil {
            return ErrInvalidToken
        }
        if err := signingKey.Verify(strings.NewReader(t.Raw), t.Header.SigningAlg, t.Signature); err != nil {
            return ErrInvalidToken
        }
        return nil
    }

    func (t *Token) VerifySigningKey(verifyOpts VerifyOptions) (signingKey libtrust.PublicKey, err error) {
        signingKey = verifyOpts.TrustedKeys[t.Header.KeyID]
        return
    }

    func (t *Token) String() string { return t.Raw }

    func (s *Server) Verify(r *Request) error { return r.Check() }
    """
    auth = zoned(classifier(tmp_path, "auth"), "token.go", go, "auth")
    assert auth == {"Token.Verify", "Token.VerifySigningKey"}
    (tmp_path / "crypto").mkdir()
    crypto = zoned(classifier(tmp_path / "crypto", "crypto"), "token.go", go, "crypto")
    assert crypto == {"Token.Verify"}  # `signingKey.Verify(...)`; the `Server.Verify` name alone is not


def test_the_user_store_a_login_reads(tmp_path: Path) -> None:
    # Eclipse Jetty 9.4.57 (Apache-2.0), jetty-security/.../JDBCLoginService.java (abridged), and
    # Spring Security's UserDetailsService shape
    java = """
    public class JDBCLoginService extends AbstractLoginService {
        public UserPrincipal loadUserInfo(String username) {
            String credentials = rs1.getString(_userTablePasswordField);
            return new JDBCUserPrincipal(username, Credential.getCredential(credentials), key);
        }

        public UserDetails loadUserByUsername(String username) {
            return repository.findByUsername(username);
        }

        public List<User> loadUsers() {
            return repository.findAll();
        }
    }
    """
    found = zoned(classifier(tmp_path, "auth"), "JDBCLoginService.java", java, "auth")
    assert found == {"JDBCLoginService.loadUserInfo", "JDBCLoginService.loadUserByUsername"}


def test_a_stored_password_looked_up_by_user_name(tmp_path: Path) -> None:
    # Apache Tomcat 10.1.55 (Apache-2.0), java/org/apache/catalina/realm/RealmBase.java (abridged)
    java = """
    public abstract class RealmBase {
        protected String getDigest(String username, String realmName, String algorithm) {
            String stored = getPassword(username);
            if (stored == null) {
                return null;
            }
            return username + ":" + realmName;
        }

        public String describe() {
            return getPassword() + getName();
        }
    }
    """
    found = zoned(classifier(tmp_path, "auth"), "RealmBase.java", java, "auth")
    assert found == {"RealmBase.getDigest"}


def test_crypt_and_its_methods_are_crypto(tmp_path: Path) -> None:
    # Eclipse Jetty 9.4.57 (Apache-2.0), jetty-util/.../security/Credential.java (abridged)
    java = """
    public abstract class Credential {
        public static class Crypt extends Credential {
            private final String _cooked;

            public boolean check(Object credentials) {
                return stringEquals(_cooked, UnixCrypt.crypt(credentials.toString(), _cooked));
            }
        }

        public static class Description {
            public String text() { return "decrypted later"; }
        }
    }
    """
    found = zoned(classifier(tmp_path, "crypto"), "Credential.java", java, "crypto")
    assert "Credential.Crypt.check" in found
    assert "Credential.Description.text" not in found and "Credential.Description" not in found


def test_a_key_object_that_signs_or_verifies_in_java(tmp_path: Path) -> None:
    # the shape of a key returned by a repository helper: its library is imported elsewhere
    java = """
    public class UpgradeVerifier {
        boolean check(byte[] data, byte[] sig) {
            PublicKey publicKey = keys.releaseKey();
            return publicKey.verify(data, sig);
        }

        boolean checkInput(Input input) {
            return input.verify();
        }
    }
    """
    assert zoned(classifier(tmp_path, "crypto"), "UpgradeVerifier.java", java, "crypto") == {"UpgradeVerifier.check"}


def test_go_struct_fields_named_for_a_secret_mark_the_field_not_the_struct(tmp_path: Path) -> None:
    # Docker distribution 2.8.2 (Apache-2.0), configuration/configuration.go (abridged)
    go = """
    package configuration

    type Configuration struct {
        Version string `yaml:"version"`
        HTTP struct {
            Addr   string `yaml:"addr,omitempty"`
            Secret string `yaml:"secret,omitempty"`
        } `yaml:"http,omitempty"`
        Notifications Notifications `yaml:"notifications,omitempty"`
    }

    type MailOptions struct {
        Username string `yaml:"username,omitempty"`
        Password string `yaml:"password,omitempty"`
        NoPasswordPrompt bool `yaml:"nopasswordprompt,omitempty"`
    }
    """
    built = classifier(tmp_path, "secrets")
    result = built.classify("configuration.go", textwrap.dedent(go).lstrip("\n").encode())
    found = {(r.symbol, r.start_line, r.end_line) for r in result.regions if r.zone == "secrets"}
    assert found == {("Configuration.Secret", 7, 7), ("MailOptions.Password", 14, 14)}


def test_a_file_permission_error_is_not_an_authorization_check(tmp_path: Path) -> None:
    # Syncthing 1.19.2 (MPL-2.0), lib/fs: `os.IsPermission(err)`; ZooKeeper 3.8 (Apache-2.0):
    # `zks.checkACL(...)` on an injected server is one
    go = """
    package fs

    func (w *AtomicWriter) Close() error {
        if err := os.Rename(w.path, w.next); fs.IsPermission(err) {
            return err
        }
        return nil
    }
    """
    assert zoned(classifier(tmp_path, "auth"), "atomic.go", go, "auth") == set()
    java = """
    public class PrepRequestProcessor {
        private void pRequest2TxnCreate(Request request, String path) {
            zks.checkACL(request.cnxn, parentRecord.acl, ZooDefs.Perms.CREATE, request.authInfo, path, null);
        }

        private boolean isUserInRole(String role) { return roles.contains(role); }

        private String describe() { return "prep"; }
    }
    """
    (tmp_path / "java").mkdir()
    found = zoned(classifier(tmp_path / "java", "auth"), "PrepRequestProcessor.java", java, "auth")
    assert found == {"PrepRequestProcessor.pRequest2TxnCreate", "PrepRequestProcessor.isUserInRole"}


def test_authentication_steps_and_identity_from_a_credential(tmp_path: Path) -> None:
    # Apache ZooKeeper 3.8.0 (Apache-2.0) and Eclipse Jetty 9.4.57 (Apache-2.0), abridged;
    # etcd 3.4.23 (Apache-2.0), auth/store.go
    java = """
    public class DigestAuthenticationProvider {
        public KeeperException.Code handleAuthentication(ServerCnxn cnxn, byte[] authData) {
            return KeeperException.Code.OK;
        }

        public String getScheme() { return "digest"; }

        public static class FormAuthentication {
            public String toString() { return "Form"; }
        }
    }
    """
    built = classifier(tmp_path, "auth")
    assert zoned(built, "DigestAuthenticationProvider.java", java, "auth") == {
        "DigestAuthenticationProvider.handleAuthentication"
    }
    go = """
    package auth

    func (as *authStore) AuthInfoFromTLS(ctx context.Context) (ai *AuthInfo) {
        return nil
    }

    func (as *authStore) Revision() uint64 { return as.revision }
    """
    assert zoned(built, "store.go", go, "auth") == {"authStore.AuthInfoFromTLS"}


def test_key_stores_cipher_suites_and_jwt_signing_are_crypto(tmp_path: Path) -> None:
    # Apache ZooKeeper 3.8.0 (Apache-2.0), common/X509Util.java; etcd 3.4.23 (Apache-2.0),
    # auth/jwt.go (abridged)
    java = """
    public abstract class X509Util {
        private static String[] getGCMCiphers() {
            return new String[]{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"};
        }

        public static KeyStore loadKeyStore(String path, String password, String type) {
            return KeyStoreLoader.load(path, password, type);
        }

        public String getConfigPrefix() { return "zookeeper.ssl."; }
    }
    """
    built = classifier(tmp_path, "crypto")
    assert zoned(built, "X509Util.java", java, "crypto") == {"X509Util.getGCMCiphers", "X509Util.loadKeyStore"}
    go = """
    package auth

    import jwt "github.com/golang-jwt/jwt"

    func (t *tokenJWT) assign(username string) (string, error) {
        tk := jwt.NewWithClaims(t.signMethod, jwt.MapClaims{"username": username})
        return tk.SignedString(t.key)
    }

    func (t *tokenJWT) enable() {}
    """
    assert zoned(built, "jwt.go", go, "crypto") == {"tokenJWT.assign"}
