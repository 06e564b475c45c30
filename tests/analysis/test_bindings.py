"""Module-level and field-level uses mark the definitions that use the bound name (not the whole
file or class); type-only references are no use; a typed field or parameter is followed to its
uses."""

from __future__ import annotations

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
