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


# --- what was tried on 2026-12-01 and reverted after review (regression tests) -----------------

# Apache ActiveMQ 5.17.2 (Apache-2.0), activemq-jaas/.../jaas/LDAPLoginModule.java, abridged; the
# `verify` helper is what the review showed narrowing would lose (`@Override` is optional in Java)
LOGIN_MODULE = """
import javax.security.auth.spi.LoginModule;

public class LDAPLoginModule implements LoginModule {
    @Override
    public boolean login() throws LoginException {
        return matches(user, password);
    }

    public boolean commit() {
        return true;
    }

    private boolean matches(String user, String password) {
        return bindUser(context, user, password);
    }
}
"""


def test_a_java_class_implementing_a_zone_interface_stays_whole() -> None:
    # narrowing it to its `@Override` methods took `commit` (no `@Override`) and the `matches`
    # helper out of the zone: an AI could disable the check there unreviewed
    result = classify(zone("auth", imports=["javax.security.auth"]), "LDAPLoginModule.java", LOGIN_MODULE)
    whole = region(result, "auth", "LDAPLoginModule")
    assert (whole.start_line, whole.end_line) == (3, 16)


def test_accessors_of_a_zoned_field_stay_in_the_zone() -> None:
    # an accessor's body is what an AI changes to hand out a different store or key
    code = """
    import java.security.KeyStore;

    public class TrustConfig {
        private final KeyStore pinnedStore = KeyStore.getInstance("PKCS12");

        public KeyStore effective() {
            return this.pinnedStore;
        }
    }
    """
    for propagate in (False, True):
        crypto = replace(zone("crypto", imports=["java.security.KeyStore"]), propagate=propagate)
        assert "TrustConfig.effective" in symbols(classify(crypto, "TrustConfig.java", code), "crypto")


def test_python_property_of_a_zoned_attribute_stays_in_the_zone() -> None:
    # a property is read, not called: nothing would join in its place
    result = classify(
        replace(zone("crypto", imports=["ssl"]), propagate=True),
        "net.py",
        """
        import ssl

        class Holder:
            def __init__(self):
                self.ctx = ssl.create_default_context()

            @property
            def context(self):
                "The TLS context."
                return self.ctx
        """,
    )
    assert "Holder.context" in symbols(result, "crypto")


def test_a_method_named_after_its_zone_type_stays_in_the_zone_whatever_its_body() -> None:
    # a redacting `String()` turned into `return r.value`, a check gutted to `return t.err`
    code = """
    package secret

    type Redacted struct {
        value string
    }

    func (r Redacted) String() string {
        return r.value
    }
    """
    secrets = zone("secrets", symbols=["(?i)(^|_)redacted$"])
    assert "Redacted.String" in symbols(classify(secrets, "redacted.go", code), "secrets")


def test_hash_code_using_a_zoned_field_is_in_the_zone() -> None:
    # tried and taken back: `hashCode` can write, not only read
    # (`ctx.check_hostname = False`, `setEndpointIdentificationAlgorithm(null)`)
    code = """
    import ssl

    class Client:
        def __init__(self):
            self.ctx = ssl.create_default_context()

        def __hash__(self):
            self.ctx.check_hostname = False
            return 1
    """
    crypto = replace(zone("crypto", imports=["ssl"]), propagate=True)
    assert "Client.__hash__" in symbols(classify(crypto, "client.py", code), "crypto")


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
