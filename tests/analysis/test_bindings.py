"""Module-level and field-level uses mark the definitions that use the bound name (not the whole
file or class); type-only references are no use; a typed field or parameter is followed to its
uses."""

from __future__ import annotations

from dataclasses import replace

from .helpers import classify, reasons, region, symbols, zone

AUTH = zone("auth", imports=["jwt", "passlib", "jsonwebtoken", "org.springframework.security"])


def test_module_level_binding_marks_its_users_not_the_file() -> None:
    result = classify(
        zone("auth", imports=["fastapi.security"]),
        "main.py",
        """
        from fastapi import Depends
        from fastapi.security import OAuth2PasswordBearer

        oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")

        def get_user(db, username):
            return db.get(username)

        async def get_current_user(token: str = Depends(oauth2_scheme)):
            return token
        """,
    )
    assert symbols(result) == {"oauth2_scheme", "get_current_user"}
    assert region(result, "auth", "oauth2_scheme").kind == "statement"
    assert reasons(result, "auth", "get_current_user") == ("uses oauth2_scheme (import fastapi.security)",)


def test_self_attribute_binding_marks_the_methods_using_it() -> None:
    result = classify(
        zone("auth", imports=["pwdlib"]),
        "password.py",
        """
        from pwdlib import PasswordHash

        class PasswordHelper:
            def __init__(self):
                self.password_hash = PasswordHash.recommended()

            def hash(self, password):
                return self.password_hash.hash(password)

            def describe(self):
                return "argon2"
        """,
    )
    assert symbols(result) == {"PasswordHelper.__init__", "PasswordHelper.hash"}


def test_python_annotations_are_no_use() -> None:
    result = classify(
        zone("payments", imports=["stripe"]),
        "gateway.py",
        """
        import stripe

        def success(intent: stripe.PaymentIntent) -> dict:
            return {"id": intent.id, "status": intent.status}

        def capture(intent: stripe.PaymentIntent):
            return intent.capture()

        def charge(amount):
            return stripe.PaymentIntent.create(amount=amount)
        """,
    )
    # reading a typed value is no use; calling a method on it is
    assert symbols(result) == {"capture", "charge"}


def test_typescript_type_references_are_no_use() -> None:
    # @stripe/agent-toolkit 0.9.0 (MIT), src/modelcontextprotocol/register-paid-tool.ts
    code = """
    import Stripe from 'stripe';

    export type PaidToolOptions = {
      paymentReason: string;
      meterEvent?: string;
      stripeSecretKey: string;
      userEmail: string;
      checkout: Stripe.Checkout.SessionCreateParams;
    };

    function formatProduct(product: Stripe.Product): string {
      return product.name;
    }
    """
    assert classify(zone("payments", imports=["stripe"]), "tool.ts", code).regions == ()


def test_java_field_type_binds_the_field_and_its_users() -> None:
    # generator-jhipster 8.7.0 (Apache-2.0), spring-boot templates .../service/UserService.java.ejs
    # (template conditionals removed)
    code = """
    import org.springframework.security.crypto.password.PasswordEncoder;

    public class UserService {

        private final UserRepository userRepository;

        private final PasswordEncoder passwordEncoder;

        public UserService(UserRepository userRepository, PasswordEncoder passwordEncoder) {
            this.userRepository = userRepository;
            this.passwordEncoder = passwordEncoder;
        }

        public void changePassword(String currentClearTextPassword, String newPassword) {
            String encryptedPassword = passwordEncoder.encode(newPassword);
        }

        public Optional<User> getUserWithAuthorities() {
            return userRepository.findOneWithAuthorities();
        }
    }
    """
    result = classify(AUTH, "UserService.java", code)
    found = symbols(result)
    assert "UserService" not in found  # not the whole class
    assert {"UserService.passwordEncoder", "UserService.changePassword"} <= found
    assert "UserService.getUserWithAuthorities" not in found


def test_java_parameter_annotation_is_no_use() -> None:
    # Spring Security reference documentation, "@AuthenticationPrincipal" (Apache-2.0)
    code = """
    import org.springframework.security.core.annotation.AuthenticationPrincipal;

    @Controller
    public class MessageController {
        @GetMapping("/messages/inbox")
        public ModelAndView findMessagesForUser(@AuthenticationPrincipal CustomUser customUser) {
            return new ModelAndView("inbox");
        }
    }
    """
    assert classify(AUTH, "MessageController.java", code).regions == ()


def test_go_types_in_signatures_are_no_use_but_calls_are() -> None:
    code = """
    package token

    import "crypto/x509"

    type VerifyOptions struct {
    \tRoots *x509.CertPool
    }

    func parse(der []byte) (*x509.Certificate, error) {
    \treturn x509.ParseCertificate(der)
    }

    func roots(o VerifyOptions) *x509.CertPool {
    \treturn o.Roots
    }
    """
    assert symbols(classify(zone("crypto", imports=["crypto"]), "token.go", code)) == {"parse"}


def test_class_field_in_typescript_constructor_parameter() -> None:
    code = """
    import { JwtService } from '@nestjs/jwt';

    export class AuthService {
      constructor(private jwtService: JwtService, private users: UsersService) {}

      async signIn(user: User) {
        return { access_token: await this.jwtService.signAsync({ sub: user.id }) };
      }

      async profile(id: string) {
        return this.users.findOne(id);
      }
    }
    """
    found = symbols(classify(zone("auth", imports=["@nestjs/jwt"]), "auth.service.ts", code))
    assert "AuthService.signIn" in found
    assert "AuthService.profile" not in found and "AuthService" not in found


# --- classes that extend or implement a zone's type ---------------------------------------------

# Apache ActiveMQ 5.17.2 (Apache-2.0), activemq-jaas/.../jaas/LDAPLoginModule.java, abridged
LOGIN_MODULE = """
import javax.security.auth.Subject;
import javax.security.auth.spi.LoginModule;

public class LDAPLoginModule implements LoginModule {
    protected DirContext context;

    @Override
    public boolean login() throws LoginException {
        return authenticate(user, password);
    }

    @Override
    public String toString() {
        return "LDAPLoginModule";
    }

    protected void close(DirContext context) {
        context.close();
    }

    private void addAttributeValues(String attrId, Attributes attrs, List<String> values) {
        values.add(attrId);
    }
}
"""


def test_java_class_implementing_a_zone_interface_is_its_declaration_and_overrides() -> None:
    result = classify(zone("auth", imports=["javax.security.auth"]), "LDAPLoginModule.java", LOGIN_MODULE)
    declaration = region(result, "auth", "LDAPLoginModule")
    assert (declaration.start_line, declaration.end_line) == (4, 4)  # not the whole class body
    assert reasons(result, "auth", "LDAPLoginModule.login") == (
        "overrides an inherited method (import javax.security.auth)",
    )
    found = symbols(result, "auth")
    assert "LDAPLoginModule.close" not in found  # a helper, on its own evidence only
    assert "LDAPLoginModule.addAttributeValues" not in found
    assert "LDAPLoginModule.toString" not in found  # overrides Object, not the login contract


def test_java_enum_implementing_a_zone_interface_keeps_its_overrides() -> None:
    code = """
    import javax.security.auth.spi.LoginModule;

    enum Modules implements LoginModule {
        ANONYMOUS;

        @Override
        public boolean login() {
            return true;
        }

        String label() {
            return name().toLowerCase();
        }
    }
    """
    result = classify(zone("auth", imports=["javax.security.auth"]), "Modules.java", code)
    assert symbols(result, "auth") == {"Modules", "Modules.login"}
    assert region(result, "auth", "Modules").end_line == 3


def test_java_class_extending_a_type_argument_of_a_zone_type() -> None:
    # Apache Log4j 2.24.3 (Apache-2.0), log4j-core/.../net/ssl/AbstractKeyStoreConfiguration.java
    code = """
    import java.security.KeyStore;

    public class AbstractKeyStoreConfiguration extends StoreConfiguration<KeyStore> {
        private final String keyStoreType;

        @Override
        protected KeyStore load() throws StoreConfigurationException {
            return loadStore();
        }

        public String getKeyStoreType() {
            return keyStoreType;
        }
    }
    """
    result = classify(zone("crypto", imports=["java.security.KeyStore"]), "A.java", code)
    assert symbols(result, "crypto") == {"AbstractKeyStoreConfiguration", "AbstractKeyStoreConfiguration.load"}


def test_python_and_javascript_classes_extending_a_zone_type_stay_whole() -> None:
    # Python does not say which methods override (`is_active` is Flask-Login's contract)
    result = classify(
        zone("auth", imports=["flask_login"]),
        "models.py",
        """
        from flask_login import UserMixin

        class User(db.Model, UserMixin):
            @property
            def is_active(self):
                return self.activated
        """,
    )
    assert symbols(result, "auth") == {"User"}
    assert region(result, "auth", "User").end_line == 6


# --- accessors and value methods hand a zone's value on; they do not use it -----------------------


def test_an_accessor_of_a_zoned_field_is_not_in_the_zone_but_its_callers_are() -> None:
    code = """
    import java.security.KeyStore;

    public class SslFactory {
        private final KeyStore keyStore = KeyStore.getInstance("PKCS12");

        public KeyStore getKeyStore() {
            return this.keyStore;
        }

        public int hashCode() {
            return keyStore.hashCode();
        }

        public void connect() {
            open(getKeyStore());
        }
    }
    """
    result = classify(
        replace(zone("crypto", imports=["java.security.KeyStore"]), propagate=True), "SslFactory.java", code
    )
    found = symbols(result, "crypto")
    assert "SslFactory.getKeyStore" not in found
    assert "SslFactory.hashCode" not in found  # reads every field by construction
    assert reasons(result, "crypto", "SslFactory.connect") == ("calls SslFactory.getKeyStore",)


def test_python_property_returning_a_zoned_attribute_is_an_accessor() -> None:
    result = classify(
        replace(zone("crypto", imports=["cryptography"]), propagate=True),
        "certs.py",
        """
        from cryptography import x509

        class Cert:
            def __init__(self, data):
                self._cert = x509.load_pem_x509_certificate(data)

            @property
            def cert(self):
                "The certificate."
                return self._cert

            def __hash__(self):
                return hash(self._cert)

            def __eq__(self, other):
                return self._cert == other._cert

            def fingerprint(self):
                return self._cert.fingerprint(SHA256())
        """,
    )
    found = symbols(result, "crypto")
    assert {"Cert.__init__", "Cert.fingerprint", "Cert.__eq__"} <= found  # comparing may be timing-unsafe
    assert "Cert.cert" not in found and "Cert.__hash__" not in found


def test_a_non_propagating_zone_keeps_the_accessor_itself() -> None:
    # preset:pii does not propagate: nothing would reach the accessor's callers
    code = """
    from app.crypto import encrypt_field

    class Patient:
        def __init__(self, ssn):
            self._ssn = encrypt_field(ssn)

        @property
        def ssn(self):
            return self._ssn
    """
    result = classify(zone("pii", calls=["encrypt_field"]), "patient.py", code)
    assert "Patient.ssn" in symbols(result, "pii")


def test_a_method_named_after_its_type_alone_is_not_in_the_zone_when_it_is_an_accessor() -> None:
    # smallstep certificates 0.28.3 (Apache-2.0), authority/provisioner/oidc.go, abridged
    code = """
    package provisioner

    type OIDC struct {
        Name string
    }

    func (o *OIDC) GetName() string {
        return o.Name
    }

    func (o *OIDC) ValidatePayload(p openIDPayload) error {
        if p.Issuer != o.configuration.Issuer {
            return errs.Unauthorized("validatePayload: failed to validate oidc token payload: invalid issuer")
        }
        return nil
    }
    """
    auth = zone("auth", symbols=["(?i)(^|_)(oidc)(_|$)"])
    found = symbols(classify(auth, "oidc.go", code), "auth")
    assert "OIDC.ValidatePayload" in found  # `ValidatePayload_OIDC`
    assert "OIDC.GetName" not in found


def test_java_sibling_called_without_receiver_propagates() -> None:
    # Apache Log4j 2.24.3 (Apache-2.0), log4j-core/.../net/SmtpManager.java, abridged
    code = """
    import javax.mail.PasswordAuthentication;

    public class SMTPManagerFactory {
        public SmtpManager createManager(final String name, final FactoryData data) {
            final Authenticator authenticator = buildAuthenticator(data.getSmtpUsername(), data.getSmtpPassword());
            return new SmtpManager(name, authenticator);
        }

        private Authenticator buildAuthenticator(final String username, final String password) {
            return new Authenticator() {
                private final PasswordAuthentication passwordAuthentication = new PasswordAuthentication(username, password.toCharArray());
            };
        }
    }
    """
    auth = replace(zone("auth", imports=["javax.mail.PasswordAuthentication"]), propagate=True)
    result = classify(auth, "SmtpManager.java", code)
    assert reasons(result, "auth", "SMTPManagerFactory.createManager") == (
        "calls SMTPManagerFactory.buildAuthenticator",
    )
