"""Shapes the sixth blind round of the corpus showed (Caddy, ActiveMQ, Parse Server, with the
earlier Alertmanager, HttpClient and Log4j 2 misses of the same kind), each next to the nearest
thing that must not match."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .test_regressions import classifier, zoned


def test_requiring_client_certificates_is_authentication_and_tls_trust(tmp_path: Path) -> None:
    # Caddy 2.6.2 (Apache-2.0), admin.go and modules/caddytls/connpolicy.go (abridged)
    go = """
    package caddy

    import "crypto/tls"

    func (admin AdminConfig) remoteTLS(tlsConfig *tls.Config) {
        tlsConfig.ClientAuth = tls.RequireAndVerifyClientCert
    }

    func newServerConfig() *tls.Config {
        return &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven}
    }

    func (p *ConnectionPolicy) minVersion(cfg *tls.Config) {
        cfg.MinVersion = tls.VersionTLS12
    }
    """
    built = classifier(tmp_path, "auth", "crypto")
    expected = {"AdminConfig.remoteTLS", "newServerConfig"}
    assert zoned(built, "admin.go", go, "auth") == expected
    assert expected <= zoned(built, "admin.go", go, "crypto")
    # ActiveMQ 5.17.2 (Apache-2.0), activemq-client SslTransportServer.java (abridged)
    java = """
    public class SslTransportServer extends TcpTransportServer {
        public void bind() throws IOException {
            super.bind();
            if (needClientAuth) {
                ((SSLServerSocket) this.serverSocket).setNeedClientAuth(true);
            }
        }

        public boolean isSslServer() {
            return true;
        }
    }
    """
    assert zoned(built, "SslTransportServer.java", java, "auth") == {"SslTransportServer.bind"}
    assert zoned(built, "SslTransportServer.java", java, "crypto") >= {"SslTransportServer.bind"}


def test_a_secret_handed_out_of_code_is_secrets_and_a_user_name_is_not(tmp_path: Path) -> None:
    # Apache HttpClient 4.5.14 (Apache-2.0), UsernamePasswordCredentials.java (abridged)
    java = """
    public class UsernamePasswordCredentials implements Credentials {
        private final BasicUserPrincipal principal;
        private final String password;

        public String getUserName() {
            return this.principal.getName();
        }

        public String getPassword() {
            return password;
        }

        public String getPrincipalName() {
            return principal;
        }
    }
    """
    found = zoned(classifier(tmp_path, "secrets"), "UsernamePasswordCredentials.java", java, "secrets")
    assert "UsernamePasswordCredentials.getPassword" in found
    assert not found & {"UsernamePasswordCredentials.getUserName", "UsernamePasswordCredentials.getPrincipalName"}
    python = """
    class Connection:
        def get_password(self):
            return self._password

        def show_password(self):
            return self.show_password_in_ui

        def get_login(self):
            return self.login
    """
    assert zoned(classifier(tmp_path, "secrets"), "connection.py", python, "secrets") == {
        "Connection.get_password"
    }


def test_credentials_handed_to_jndi_or_written_into_properties_are_secrets(tmp_path: Path) -> None:
    # Apache ActiveMQ 5.17.2 (Apache-2.0), LDAPLoginModule.java and ActiveMQConnectionFactory.java (abridged)
    java = """
    public class LDAPLoginModule {
        protected DirContext open() throws NamingException {
            Hashtable<String, String> env = new Hashtable<String, String>();
            env.put(Context.INITIAL_CONTEXT_FACTORY, getLDAPPropertyValue(INITIAL_CONTEXT_FACTORY));
            env.put(Context.SECURITY_CREDENTIALS, getLDAPPropertyValue(CONNECTION_PASSWORD));
            return new InitialDirContext(env);
        }

        public void populateProperties(Properties props) {
            props.setProperty("password", getLDAPPropertyValue(CONNECTION_PASSWORD));
        }

        public void describe(Properties props) {
            props.setProperty("brokerURL", getBrokerURL());
            props.put("userName", getUserName());
        }
    }
    """
    found = zoned(classifier(tmp_path, "secrets"), "LDAPLoginModule.java", java, "secrets")
    assert found == {"LDAPLoginModule.open", "LDAPLoginModule.populateProperties"}


def test_go_secret_types_and_key_files_are_secrets_but_an_owner_only_pid_file_is_not(tmp_path: Path) -> None:
    # Prometheus Alertmanager 0.25 (Apache-2.0), config/config.go; Caddy 2.6.2 (Apache-2.0),
    # modules/caddypki/crypto.go and admin.go; nats-server 2.9 (Apache-2.0), filestore.go (abridged)
    go = """
    package config

    type Secret string

    func (s Secret) MarshalYAML() (interface{}, error) {
        if s != "" {
            return secretToken, nil
        }
        return nil, nil
    }

    func (kp KeyPair) Load() (*x509.Certificate, error) {
        keyData, err := os.ReadFile(kp.PrivateKey)
        return parse(keyData), err
    }

    func (fs *fileStore) writeKey(keyFile string, encrypted []byte) error {
        return os.WriteFile(keyFile, encrypted, defaultFilePerms)
    }

    func (p PIDFile) Write(filename string) error {
        pid := []byte(strconv.Itoa(os.Getpid()) + "\\n")
        return os.WriteFile(filename, pid, 0600)
    }

    func (c *Client) Name() string {
        return c.Username
    }
    """
    found = zoned(classifier(tmp_path, "secrets"), "config.go", go, "secrets")
    assert found == {"Secret.MarshalYAML", "KeyPair.Load", "fileStore.writeKey"}


def test_a_master_key_is_a_secret_and_a_check_on_the_auth_object_is_auth(tmp_path: Path) -> None:
    # parse-server 9.10.0 (Apache-2.0), lib/middlewares.js and lib/RestWrite.js (abridged)
    javascript = """
    const cluster = require('cluster');

    async function handleMasterKey(req, config, keyValue) {
      const masterKey = await config.loadMasterKey();
      return keyValue === masterKey;
    }

    function clientId(config) {
      const clientKeyName = config.clientKeyName;
      return clientKeyName;
    }

    RestWrite.prototype.validateAuthData = function () {
      if (!this.auth.isMaintenance && !this.auth.isMaster && 'emailVerified' in this.data) {
        throw new Parse.Error(Parse.Error.OPERATION_FORBIDDEN, 'Clients are not allowed to set emailVerified');
      }
    };

    function startWorkers() {
      if (cluster.isMaster) {
        cluster.fork();
      }
    }
    """
    built = classifier(tmp_path, "secrets", "auth")
    assert zoned(built, "middlewares.js", javascript, "secrets") == {"handleMasterKey"}
    assert zoned(built, "middlewares.js", javascript, "auth") == {"validateAuthData"}


def test_go_tls_settings_jws_checks_and_step_crypto_are_crypto(tmp_path: Path) -> None:
    # smallstep certificates 0.19 (Apache-2.0), acme/api/middleware.go and authority/config.go (abridged)
    go = """
    package api

    import (
        "go.step.sm/crypto/keyutil"
        "gopkg.in/square/go-jose.v2"
    )

    func (h *Handler) verifyAndExtractJWSPayload(jws *jose.JSONWebSignature, jwk *jose.JSONWebKey) ([]byte, error) {
        return jws.Verify(jwk)
    }

    func validateKeySize(k *jose.JSONWebKey) bool {
        return k.Size() >= keyutil.MinRSAKeyBytes
    }

    func (c *Config) Validate() {
        c.TLS.CipherSuites = DefaultTLSOptions.CipherSuites
        c.Address = ":443"
    }

    func (c *Config) Listen() {
        c.Address = ":443"
    }
    """
    found = zoned(classifier(tmp_path, "crypto"), "middleware.go", go, "crypto")
    assert found == {"Handler.verifyAndExtractJWSPayload", "validateKeySize", "Config.Validate"}


def test_digests_random_bytes_and_scrypt_are_crypto(tmp_path: Path) -> None:
    # HyperSQL 2.7.1 (BSD-3-Clause), GranteeManager.java; Apache HttpClient 4.5.14, NTLMEngineImpl.java (abridged)
    java = """
    public class GranteeManager {
        public String digest(String string) {
            byte[] data = string.getBytes(StandardCharsets.ISO_8859_1);
            data = getDigester().digest(data);
            return StringConverter.byteArrayToHexString(data);
        }

        private static byte[] makeRandomChallenge(final Random random) {
            final byte[] rval = new byte[8];
            random.nextBytes(rval);
            return rval;
        }

        public String toString() {
            return "GranteeManager";
        }
    }
    """
    found = zoned(classifier(tmp_path, "crypto"), "GranteeManager.java", java, "crypto")
    assert found == {"GranteeManager.digest", "GranteeManager.makeRandomChallenge"}
    # @medusajs/medusa 1.20 (MIT), dist/services/user.js (abridged)
    javascript = """
    const scrypt_kdf_1 = require("scrypt-kdf");

    class UserService {
      async hashPassword_(password) {
        const buf = await scrypt_kdf_1.default.kdf(password, { logN: 1, r: 1, p: 1 });
        return buf.toString("base64");
      }

      list(selector) {
        return this.userRepository.find(selector);
      }
    }
    """
    assert zoned(classifier(tmp_path, "crypto"), "user.js", javascript, "crypto") == {"UserService.hashPassword_"}


def test_a_returned_decision_on_the_caller_and_may_the_caller_checks_are_auth(tmp_path: Path) -> None:
    # FlaskBB 2.0.2 (BSD-3-Clause), flaskbb/utils/requirements.py (abridged)
    python = """
    class Has(Requirement):
        def fulfill(self, user):
            return user.permissions.get(self.permission, False)

    class IsAuthed(Requirement):
        def fulfill(self, user):
            return user.is_authenticated

    class ForumTitle:
        def fulfill(self, forum):
            return forum.title.strip()
    """
    found = zoned(classifier(tmp_path, "auth"), "requirements.py", python, "auth")
    assert found == {"Has.fulfill", "IsAuthed.fulfill"}
    # Apache ActiveMQ 5.17.2 (Apache-2.0), broker/region/AbstractSubscription.java (abridged)
    java = """
    public abstract class AbstractSubscription {
        public boolean matches(MessageReference node, MessageEvaluationContext context) {
            return this.context.isAllowedToConsume(node);
        }

        public boolean isAllowedToConsume(MessageReference n) {
            return policy == null || policy.isAllowedToConsume(this, n.getMessage());
        }

        public boolean isBrowser() {
            return browser;
        }
    }
    """
    found = zoned(classifier(tmp_path, "auth"), "AbstractSubscription.java", java, "auth")
    assert found == {"AbstractSubscription.matches", "AbstractSubscription.isAllowedToConsume"}


def test_secrets_under_their_name_in_python_and_read_from_a_terminal(tmp_path: Path) -> None:
    # django-allauth 65.3.0 (MIT), mfa/totp/internal/auth.py and socialaccount/adapter.py (abridged)
    python = """
    import getpass

    class TOTP:
        @classmethod
        def activate(cls, user, secret):
            return Authenticator.objects.create(user=user, data={"secret": encrypt(secret)})

        def label(self):
            return {"name": self.instance.data["name"]}

    def app_from_config(config):
        app.settings["certificate_key"] = config["certificate_key"]

    def ask():
        return getpass.getpass("Password: ")

    def describe(config):
        return {"secret": None, "title": config["title"]}
    """
    found = zoned(classifier(tmp_path, "secrets"), "auth.py", python, "secrets")
    assert found == {"TOTP.activate", "app_from_config", "ask"}


def test_a_check_against_an_acl_or_allow_list_is_auth_and_an_initializer_marks_itself(tmp_path: Path) -> None:
    # Apache ZooKeeper 3.8 (Apache-2.0), server/auth/DigestAuthenticationProvider.java and
    # ZooKeeperServer.java (abridged): the static initializer's check marks that block, not the class
    java = """
    public class ZooKeeperServer {
        static {
            skipACL = System.getProperty(SKIP_ACL, "no").equals("yes");
            if (skipACL) {
                LOG.info("ACL checks will be skipped");
            }
        }

        public boolean matches(String id, String aclExpr) {
            return id.equals(aclExpr);
        }

        public int getTickTime() {
            return tickTime;
        }

        public Set<String> getAllowedOrigins() {
            return allowedOrigins;
        }
    }
    """
    built = classifier(tmp_path, "auth")
    result = built.classify("ZooKeeperServer.java", textwrap.dedent(java).lstrip("\n").encode())
    regions = {(r.symbol, r.kind) for r in result.regions if r.zone == "auth"}
    assert ("ZooKeeperServer.matches", "method") in regions
    assert ("ZooKeeperServer", "class") not in regions
    assert not {symbol for symbol, _ in regions} & {"ZooKeeperServer.getTickTime", "ZooKeeperServer.getAllowedOrigins"}
    assert any(kind == "statement" for _, kind in regions)  # the static block
    # Caddy 2.6.2 (Apache-2.0), admin.go (abridged): "not allowed" in a message is no allow-list
    go = """
    package caddy

    func (h adminHandler) checkHost(r *http.Request) error {
        for _, allowedOrigin := range h.allowedOrigins {
            if r.Host == allowedOrigin.Host {
                return nil
            }
        }
        return fmt.Errorf("host not allowed")
    }

    func handleStop(w http.ResponseWriter, r *http.Request) error {
        if r.Method != http.MethodPost {
            return APIError{Err: fmt.Errorf("method not allowed")}
        }
        return nil
    }
    """
    assert zoned(built, "admin.go", go, "auth") == {"adminHandler.checkHost"}


def test_hard_coded_private_keys_and_secrets_put_under_their_name_are_secrets(tmp_path: Path) -> None:
    # go-imap 1.2.0 (MIT), backend/memory/backend.go and internal/testcert.go (abridged; key cut short)
    go = """
    package memory

    var LocalhostKey = []byte(`-----BEGIN RSA PRIVATE KEY-----
    MIIEpAIBAAKCAQEA...
    -----END RSA PRIVATE KEY-----`)

    const pemHeader = "-----BEGIN RSA PRIVATE KEY-----\\n"

    var LocalhostCert = []byte(`-----BEGIN CERTIFICATE-----
    MIIDOTCCAiGgAwIBAgIQSRJrEpBGFc7tNb1fb5pKFzANBgkqhkiG9w0BAQsFADAS
    -----END CERTIFICATE-----`)

    func New() *Backend {
        user := &User{username: "username", password: "password"}
        return &Backend{users: map[string]*User{user.username: user}}
    }

    func (be *Backend) Name() string {
        return "memory"
    }
    """
    found = zoned(classifier(tmp_path, "secrets"), "backend.go", go, "secrets")
    # a PEM private-key header marks a hard-coded key or code that writes one out
    assert found == {"LocalhostKey", "pemHeader", "New"}
    # @vendure/core 2.3 (MIT), dist/config/default-config.js; @medusajs/medusa 1.20 (MIT), passport.js
    javascript = """
    exports.defaultConfig = {
      authOptions: {
        cookieOptions: { secret: Math.random().toString(36).substr(3) },
        superadminCredentials: { identifier: SUPER_ADMIN_USER_IDENTIFIER, password: SUPER_ADMIN_USER_PASSWORD },
      },
    };

    function configure(configModule) {
      let jwt_secret;
      jwt_secret = configModule.projectConfig.jwt_secret;
      return jwt_secret;
    }

    function port(configModule) {
      let port;
      port = configModule.projectConfig.port;
      return { port: port, secret: undefined };
    }
    """
    found = zoned(classifier(tmp_path, "secrets"), "default-config.js", javascript, "secrets")
    assert "configure" in found and "port" not in found
    assert any(symbol is not None and "defaultConfig" in symbol for symbol in found)


def test_java_secrets_read_by_a_constant_or_gathered_into_a_map_are_secrets(tmp_path: Path) -> None:
    # Apache ZooKeeper 3.8 (Apache-2.0), SaslServerCallbackHandler.java (abridged)
    java = """
    public class SaslServerCallbackHandler implements CallbackHandler {
        private final Map<String, String> credentials = new HashMap<>();

        public SaslServerCallbackHandler(AppConfigurationEntry entry) {
            for (Map.Entry<String, ?> pair : entry.getOptions().entrySet()) {
                credentials.put(pair.getKey().substring(USER_PREFIX.length()), (String) pair.getValue());
            }
        }

        private void handlePasswordCallback(PasswordCallback pc) {
            pc.setPassword(System.getProperty(SYSPROP_SUPER_PASSWORD).toCharArray());
        }

        private void handleRealmCallback(RealmCallback rc) {
            rc.setText(System.getProperty(SYSPROP_REALM, rc.getDefaultText()));
            options.put(userName, value);
        }
    }
    """
    found = zoned(classifier(tmp_path, "secrets"), "SaslServerCallbackHandler.java", java, "secrets")
    assert {"SaslServerCallbackHandler.SaslServerCallbackHandler",
            "SaslServerCallbackHandler.handlePasswordCallback"} <= found
    assert "SaslServerCallbackHandler.handleRealmCallback" not in found


def test_refusing_a_request_and_enforcing_access_are_authorization(tmp_path: Path) -> None:
    # Apache Airflow 2.10 (Apache-2.0), api/auth/backend/deny_all.py and session.py; Apache Superset
    # 4.1 (Apache-2.0), security/api.py and views/utils.py (abridged)
    python = """
    from flask_appbuilder.security.decorators import permission_name, protect

    def requires_authentication(function):
        def decorated(*args, **kwargs):
            if not get_auth_manager().is_logged_in():
                return Response("Forbidden", 403)
            return function(*args, **kwargs)
        return decorated

    class SecurityRestApi(BaseSupersetApi):
        @protect()
        @permission_name("grant_guest_token")
        def guest_token(self):
            return self.response(200)

        def health(self):
            return self.response(200)

    def check_datasource_perms(viz_obj):
        viz_obj.raise_for_access()

    def not_found():
        return Response("Not found", 404)

    def days(year):
        return _days_before_year(401) + year
    """
    found = zoned(classifier(tmp_path, "auth"), "api.py", python, "auth")
    assert {"requires_authentication.decorated", "SecurityRestApi.guest_token", "check_datasource_perms"} <= found
    assert not found & {"SecurityRestApi.health", "not_found", "days"}
    # @strapi/plugin-users-permissions 4.25 (MIT), server/controllers/user.js (abridged)
    javascript = """
    module.exports = {
      async me(ctx) {
        const authUser = ctx.state.user;
        if (!authUser) {
          return ctx.unauthorized();
        }
        ctx.body = await sanitizeOutput(authUser, ctx);
      },
      async count(ctx) {
        ctx.body = await getService('user').count(ctx.query);
        ctx.status = 200;
      },
    };
    """
    found = zoned(classifier(tmp_path, "auth"), "user.js", javascript, "auth")
    assert any(symbol is not None and symbol.endswith("me") for symbol in found)
    assert not any(symbol is not None and symbol.endswith("count") for symbol in found)


def test_go_tls_held_or_checked_is_crypto_and_spending_a_token_is_auth(tmp_path: Path) -> None:
    # smallstep certificates 0.19 (Apache-2.0), server/server.go and acme/db/nosql/nonce.go;
    # Prometheus Alertmanager 0.25 (Apache-2.0), cluster/tls_config.go (abridged)
    go = """
    package server

    type TLSTransportConfig struct {
        TLSServerConfig *web.TLSConfig `yaml:"tls_server_config"`
        Peers           []string       `yaml:"peers"`
    }

    func (srv *Server) Serve(ln net.Listener) error {
        if srv.TLSConfig == nil {
            return srv.Server.Serve(ln)
        }
        return srv.Server.ServeTLS(ln, "", "")
    }

    func (h *Handler) validateJWS(ctx context.Context, hdr Header) error {
        if err := h.db.DeleteNonce(ctx, Nonce(hdr.Nonce)); err != nil {
            return err
        }
        return nil
    }

    func (srv *Server) Addr() string {
        if srv.Listener == nil {
            return ""
        }
        return srv.Listener.Addr().String()
    }
    """
    # Apache HttpClient 4.5 (Apache-2.0), WarningValue.java (abridged): a parser consumes tokens
    java = """
    public class WarningValue {
        protected void consumeToken() {
            if (!isTokenChar(src.charAt(offs))) {
                parseError();
            }
        }

        protected void consumeWarnAgent() {
            consumeToken();
        }
    }
    """
    assert zoned(classifier(tmp_path, "auth"), "WarningValue.java", java, "auth") == set()
    crypto = zoned(classifier(tmp_path, "crypto"), "server.go", go, "crypto")
    assert crypto == {"TLSTransportConfig.TLSServerConfig", "Server.Serve"}
    assert zoned(classifier(tmp_path, "auth"), "server.go", go, "auth") == {"Handler.validateJWS"}


def test_a_call_about_a_named_permission_is_auth(tmp_path: Path) -> None:
    # @vendure/core 2.3 (MIT), dist/api/resolvers/admin/administrator.resolver.js (abridged)
    javascript = """
    __decorate([
        (0, graphql_1.Query)(),
        (0, allow_decorator_1.Allow)(generated_types_1.Permission.ReadAdministrator),
        __metadata("design:type", Function)
    ], AdministratorResolver.prototype, "administrators", null);

    __decorate([
        (0, graphql_1.Query)(),
        __metadata("design:type", Function)
    ], AdministratorResolver.prototype, "activeAdministrator", null);
    """
    found = zoned(classifier(tmp_path, "auth"), "administrator.resolver.js", javascript, "auth")
    assert len(found) == 1 and "activeAdministrator" not in str(found)


def test_round7_library_gaps_passphrases_settings_and_keystore_authentication(tmp_path: Path) -> None:
    # containers/image 5.23 (Apache-2.0), signature/docker.go and docker/docker_client.go (abridged)
    go = """
    package docker

    type SignOptions struct {
        Passphrase string
        Identity   string
    }

    type dockerClient struct {
        auth     types.DockerAuthConfig
        registry string
    }

    func newDockerClient(sys *types.SystemContext, ref dockerReference) (*dockerClient, error) {
        auth, err := config.GetCredentialsForRef(sys, ref.ref)
        return &dockerClient{auth: auth}, err
    }

    func (c *dockerClient) Registry() string {
        return c.registry
    }
    """
    found = zoned(classifier(tmp_path, "secrets"), "docker.go", go, "secrets")
    assert found == {"SignOptions.Passphrase", "dockerClient.auth", "newDockerClient"}
    # Wagtail 6.3 (BSD-3-Clause), wagtail/images/utils.py and wagtail/forms.py (abridged)
    python = """
    from django.conf import settings
    from django.utils.crypto import constant_time_compare

    def generate_signature(image_id, filter_spec, key=None):
        if key is None:
            key = settings.SECRET_KEY
        return sign(key, image_id, filter_spec)

    class PasswordViewRestrictionForm(forms.Form):
        def clean_password(self):
            data = self.cleaned_data["password"]
            if not constant_time_compare(data, self.restriction.password):
                raise forms.ValidationError("The password you have entered is not correct.")
            return data

    def page_size():
        return settings.WAGTAILAPI_LIMIT_MAX
    """
    assert zoned(classifier(tmp_path, "secrets"), "utils.py", python, "secrets") >= {"generate_signature"}
    assert "page_size" not in zoned(classifier(tmp_path, "secrets"), "utils.py", python, "secrets")
    auth = zoned(classifier(tmp_path, "auth"), "utils.py", python, "auth")
    assert "PasswordViewRestrictionForm.clean_password" in auth and "page_size" not in auth
    # react-native-keychain 8.2 (MIT), CipherStorageKeystoreRsaEcb.java (abridged)
    java = """
    public class CipherStorageKeystoreRsaEcb extends CipherStorageBase {
        protected KeyGenParameterSpec.Builder getKeyGenSpecBuilder(String alias) {
            return new KeyGenParameterSpec.Builder(alias, purposes)
                .setUserAuthenticationRequired(true)
                .setUserAuthenticationValidityDurationSeconds(5);
        }

        public String getCipherStorageName() {
            return KnownCiphers.RSA;
        }
    }
    """
    auth = zoned(classifier(tmp_path, "auth"), "CipherStorageKeystoreRsaEcb.java", java, "auth")
    assert auth == {"CipherStorageKeystoreRsaEcb.getKeyGenSpecBuilder"}
