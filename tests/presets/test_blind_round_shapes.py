"""Shapes the blind-labelled apps of the corpus showed (nats-server, hsqldb, FlaskBB, Payload,
Alertmanager, Log4j 2, Airflow, Strapi), each with the nearest thing that must not match."""

from __future__ import annotations

from pathlib import Path

from .test_regressions import classifier, zoned


def test_java_security_is_crypto_only_for_its_cryptographic_classes(tmp_path: Path) -> None:
    # Apache Tomcat 10.1 (Apache-2.0): java.security for privileges and principals is not crypto;
    # Apache Log4j 2.19 (Apache-2.0): a lax HostnameVerifier implements javax.net.ssl's interface
    java = """
    import java.security.AccessController;
    import java.security.MessageDigest;
    import java.security.Principal;
    import javax.net.ssl.HostnameVerifier;

    public class Realm {
        public Principal getPrincipal(String name) { return new GenericPrincipal(name); }

        public ClassLoader loader() { return AccessController.doPrivileged(new PrivilegedGetTccl()); }

        public byte[] digest(byte[] data) throws Exception {
            return MessageDigest.getInstance("SHA-256").digest(data);
        }
    }

    final class LaxHostnameVerifier implements HostnameVerifier {
        public boolean verify(final String host, final SSLSession session) { return true; }
    }
    """
    found = zoned(classifier(tmp_path, "crypto"), "Realm.java", java, "crypto")
    assert found == {"Realm.digest", "LaxHostnameVerifier"}


def test_signing_a_jwt_and_hashing_a_password_are_crypto_too(tmp_path: Path) -> None:
    # @strapi/plugin-users-permissions 4.25 (MIT), server/services/jwt.js and user.js (abridged)
    javascript = """
    const jwt = require('jsonwebtoken');
    const bcrypt = require('bcryptjs');

    module.exports = ({ strapi }) => ({
      issue(payload, jwtOptions = {}) {
        return jwt.sign(_.clone(payload), strapi.config.get('plugin.users-permissions.jwtSecret'), jwtOptions);
      },
      validatePassword(password, hash) {
        return bcrypt.compare(password, hash);
      },
      sanitizeUser(user) {
        return _.omit(user, ['password']);
      },
    });
    """
    built = classifier(tmp_path, "crypto")
    assert zoned(built, "jwt.js", javascript, "crypto") == {"exports.issue", "exports.validatePassword"}


def test_secrets_read_by_name_or_from_a_file_named_for_one(tmp_path: Path) -> None:
    # Apache Airflow 2.10 (Apache-2.0), airflow/models/crypto.py; Alertmanager 0.25 (Apache-2.0),
    # notify/email/email.go and config/notifiers.go (abridged)
    python = """
    def get_fernet():
        fernet_key = conf.get("core", "FERNET_KEY")
        return Fernet(fernet_key.encode("utf-8"))

    def get_timeout():
        return conf.get("core", "default_timeout")

    def read_password(password_file):
        with open(password_file) as handle:
            return handle.read().strip()

    def read_notes(notes_file):
        with open(notes_file) as handle:
            return handle.read()
    """
    built = classifier(tmp_path, "secrets")
    assert zoned(built, "crypto.py", python, "secrets") == {"get_fernet", "read_password"}
    go = """
    package email

    type PagerdutyConfig struct {
        ServiceKey Secret `yaml:"service_key,omitempty"`
        Client     string `yaml:"client,omitempty"`
    }

    func (n *Email) getPassword() (string, error) {
        content, err := os.ReadFile(n.conf.AuthPasswordFile)
        return string(content), err
    }

    func (n *Email) getTemplate() (string, error) {
        content, err := os.ReadFile(n.conf.TemplateFile)
        return string(content), err
    }
    """
    assert zoned(built, "email.go", go, "secrets") == {"PagerdutyConfig.ServiceKey", "Email.getPassword"}


def test_redaction_handles_secrets_and_a_constant_marks_its_member(tmp_path: Path) -> None:
    # Alertmanager 0.25 (Apache-2.0), notify/util.go; FlaskBB 2.0.2 (BSD-3-Clause),
    # flaskbb/configs/default.py (abridged)
    go = """
    package notify

    func RedactURL(err error) error {
        e.URL = "<redacted>"
        return e
    }

    func TruncateInRunes(s string, n int) string { return s[:n] }
    """
    built = classifier(tmp_path, "secrets")
    assert zoned(built, "util.go", go, "secrets") == {"RedactURL"}
    python = """
    class DefaultConfig(object):
        DEBUG = False
        SECRET_KEY = "a3f1c9e2b7d4a6f8"
        CACHE_TYPE = "simple"
    """
    assert zoned(built, "default.py", python, "secrets") == {"DefaultConfig.SECRET_KEY"}


def test_a_branch_on_who_the_caller_is_is_an_authorization_decision(tmp_path: Path) -> None:
    # django-oscar 3.2.5 (BSD-3-Clause), apps/dashboard/orders/views.py (abridged); @vendure/core
    # 2.3.3 (MIT), api/common/request-context.js (abridged)
    python = """
    def queryset_orders_for_user(user):
        queryset = Order._default_manager.select_related("user")
        if user.is_staff:
            return queryset
        return queryset.filter(lines__partner__users=user)

    def order_total(order):
        if order.is_paid:
            return order.total
        return 0
    """
    built = classifier(tmp_path, "auth")
    assert zoned(built, "views.py", python, "auth") == {"queryset_orders_for_user"}
    javascript = """
    class RequestContext {
        userHasPermissions(permissions) {
            return this.arraysIntersect(this.session.user.permissions, permissions);
        }
        get languageCode() {
            return this._languageCode;
        }
    }
    function guard(req, res, next) {
        if (req.user) {
            return next();
        }
        res.status(401).end();
    }
    function paginate(req, items) {
        if (req.query.page) {
            return items.slice(0, 10);
        }
        return items;
    }
    """
    found = zoned(built, "request-context.js", javascript, "auth")
    assert found == {"RequestContext.userHasPermissions", "guard"}


def test_tls_trust_decisions_and_django_signing_are_crypto(tmp_path: Path) -> None:
    # Apache HttpClient 4.5.14 (Apache-2.0), conn/ssl/TrustAllStrategy.java; django-oscar 3.2.5
    # (BSD-3-Clause), apps/order/abstract_models.py (abridged)
    java = """
    public class TrustAllStrategy implements TrustStrategy {
        public boolean isTrusted(final X509Certificate[] chain, final String authType) {
            return true;
        }
        public String toString() { return "TrustAll"; }
    }
    """
    built = classifier(tmp_path, "crypto")
    assert zoned(built, "TrustAllStrategy.java", java, "crypto") == {"TrustAllStrategy.isTrusted"}
    python = """
    from django.core.signing import Signer

    class AbstractOrder:
        def check_verification_hash(self, hash_to_check):
            signer = Signer(salt="oscar.apps.order.Order")
            return signer.unsign(hash_to_check) == self.number

        def __str__(self):
            return "#%s" % self.number
    """
    assert zoned(built, "abstract_models.py", python, "crypto") == {"AbstractOrder.check_verification_hash"}


def test_a_go_handler_that_checks_the_caller_is_auth(tmp_path: Path) -> None:
    # go-imap 1.2.0 (MIT), server/cmd_auth.go (abridged)
    go = """
    package server

    func (cmd *Select) Handle(conn Conn) error {
        ctx := conn.Context()
        if ctx.User == nil {
            return ErrNotAuthenticated
        }
        return nil
    }

    func (cmd *Noop) Handle(conn Conn) error {
        if conn.Closed() {
            return nil
        }
        return nil
    }
    """
    assert zoned(classifier(tmp_path, "auth"), "cmd_auth.go", go, "auth") == {"Select.Handle"}
