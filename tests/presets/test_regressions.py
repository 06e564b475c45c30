"""Regression tests for the false alarms and misses of issue 10, each on a real snippet (source and
licence noted; template conditionals and unrelated lines removed where said)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pavedroad.analysis.classify import Classifier
from pavedroad.config import load_config


def classifier(tmp_path: Path, *presets: str) -> Classifier:
    (tmp_path / ".pavedroad.yaml").write_text(
        "version: 1\nextends:\n" + "".join(f"  - preset:{p}\n" for p in presets)
    )
    loaded = load_config(tmp_path)
    assert loaded.config is not None and not loaded.problems, [str(p) for p in loaded.problems]
    built = Classifier(loaded.config)
    assert built.notes == ()
    return built


def zoned(built: Classifier, path: str, code: str, zone: str) -> set[str | None]:
    result = built.classify(path, textwrap.dedent(code).lstrip("\n").encode())
    assert not result.notes, result.notes
    return {r.symbol for r in result.regions if r.zone == zone}


# fastapi 0.115.0 sdist (MIT), docs_src/security/tutorial003_py310.py (abridged)
FASTAPI_OAUTH2 = '''
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel

app = FastAPI()

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


class User(BaseModel):
    username: str
    email: str | None = None
    disabled: bool | None = None


def get_user(db, username: str):
    if username in db:
        user_dict = db[username]
        return UserInDB(**user_dict)


async def get_current_user(token: str = Depends(oauth2_scheme)):
    user = fake_decode_token(token)
    if not user:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Invalid authentication credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


async def get_current_active_user(current_user: User = Depends(get_current_user)):
    if current_user.disabled:
        raise HTTPException(status_code=400, detail="Inactive user")
    return current_user


@app.post("/token")
async def login(form_data: OAuth2PasswordRequestForm = Depends()):
    user_dict = fake_users_db.get(form_data.username)
    if not user_dict:
        raise HTTPException(status_code=400, detail="Incorrect username or password")
    return {"access_token": user_dict["username"], "token_type": "bearer"}
'''


def test_module_level_oauth2_scheme_marks_its_users_not_the_file(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "auth"), "main.py", FASTAPI_OAUTH2, "auth")
    assert {"oauth2_scheme", "get_current_user", "get_current_active_user", "login"} <= found
    assert not found & {None, "User", "get_user", "app"}


# generator-jhipster 8.7.0 (Apache-2.0), spring-boot templates .../service/UserService.java.ejs
# (template conditionals removed)
JHIPSTER_USER_SERVICE = """
package com.mycompany.myapp.service;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

@Service
public class UserService {

    private final UserRepository userRepository;

    private final PasswordEncoder passwordEncoder;

    public UserService(UserRepository userRepository, PasswordEncoder passwordEncoder) {
        this.userRepository = userRepository;
        this.passwordEncoder = passwordEncoder;
    }

    public void changePassword(String currentClearTextPassword, String newPassword) {
        SecurityUtils.getCurrentUserLogin()
            .flatMap(userRepository::findOneByLogin)
            .ifPresent(user -> {
                String currentEncryptedPassword = user.getPassword();
                if (!passwordEncoder.matches(currentClearTextPassword, currentEncryptedPassword)) {
                    throw new InvalidPasswordException();
                }
                String encryptedPassword = passwordEncoder.encode(newPassword);
                user.setPassword(encryptedPassword);
            });
    }

    public Page<AdminUserDTO> getAllManagedUsers(Pageable pageable) {
        return userRepository.findAll(pageable).map(AdminUserDTO::new);
    }
}
"""


def test_password_encoder_field_marks_the_methods_using_it_not_the_class(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "auth"), "src/main/java/UserService.java", JHIPSTER_USER_SERVICE, "auth")
    assert {"UserService.passwordEncoder", "UserService.changePassword"} <= found
    assert not found & {None, "UserService", "UserService.getAllManagedUsers"}


# @stripe/agent-toolkit 0.9.0 (MIT), src/modelcontextprotocol/register-paid-tool.ts (from its source map)
STRIPE_TYPES = """
import Stripe from 'stripe';

export type PaidToolOptions = {
  paymentReason: string;
  meterEvent?: string;
  stripeSecretKey: string;
  userEmail: string;
  checkout: Stripe.Checkout.SessionCreateParams;
};
"""


def test_stripe_type_annotation_is_not_payments(tmp_path: Path) -> None:
    assert zoned(classifier(tmp_path, "payments"), "src/tool.ts", STRIPE_TYPES, "payments") == set()


# Spring Security reference documentation, "@AuthenticationPrincipal" (Apache-2.0)
AUTHENTICATION_PRINCIPAL = """
import org.springframework.security.core.annotation.AuthenticationPrincipal;

@Controller
public class InboxController {
    @GetMapping("/messages/inbox")
    public ModelAndView findMessagesForUser(@AuthenticationPrincipal CustomUser customUser) {
        // .. find messages for this user and return them ...
        return new ModelAndView("inbox");
    }
}
"""


def test_authentication_principal_parameter_is_not_auth(tmp_path: Path) -> None:
    assert zoned(classifier(tmp_path, "auth"), "InboxController.java", AUTHENTICATION_PRINCIPAL, "auth") == set()


# Supabase docs, "Creating a Supabase client for SSR" (Apache-2.0); Stripe docs, Stripe.js with
# Next.js; @nextsparkjs/core 0.1.0-beta.191 (MIT), dist/lib/billing/gateways/stripe.js (abridged)
PUBLIC_KEYS = """
import { createBrowserClient } from '@supabase/ssr'
import { loadStripe } from '@stripe/stripe-js'

export function createClient() {
  return createBrowserClient(
    process.env.NEXT_PUBLIC_SUPABASE_URL!,
    process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!
  )
}

export const stripePromise = loadStripe(process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY!)

function getStripeSecret() {
  if (!process.env.STRIPE_SECRET_KEY) {
    throw new Error("STRIPE_SECRET_KEY is not configured");
  }
  return process.env.STRIPE_SECRET_KEY;
}
"""


def test_public_client_keys_are_not_secrets(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "secrets"), "lib/supabase/client.ts", PUBLIC_KEYS, "secrets")
    assert found == {"getStripeSecret"}


# AWS Systems Manager docs, "Calling AMI public parameters" (public parameter name), as a Terraform
# data source; and the same data source reading an application's own parameter
AMI_FROM_SSM = """
data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

data "aws_ssm_parameter" "db_password" {
  name = "/myapp/prod/db_password"
}

resource "aws_instance" "web" {
  ami           = data.aws_ssm_parameter.al2023.value
  instance_type = "t3.micro"
}
"""


def test_public_ami_id_read_through_a_data_source_is_not_a_secret(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "secrets"), "infra/main.tf", AMI_FROM_SSM, "secrets")
    assert found == {"data.aws_ssm_parameter.db_password"}


# golang-github-docker-distribution-dev 2.8.2+ds1-1 (Debian 12; Apache-2.0),
# registry/auth/htpasswd/htpasswd_test.go and access_test.go (abridged)
GO_TEST = """
package htpasswd

import (
\t"strings"
\t"testing"

\t"golang.org/x/crypto/bcrypt"
)

func TestParseHTPasswd(t *testing.T) {
\thash, err := bcrypt.GenerateFromPassword([]byte("password"), bcrypt.DefaultCost)
\tif err != nil {
\t\tt.Fatal(err)
\t}
\tif _, err := parseHTPasswd(strings.NewReader("user:" + string(hash))); err != nil {
\t\tt.Fatal(err)
\t}
}
"""


def test_test_files_that_use_auth_libraries_stay_tests(tmp_path: Path) -> None:
    built = classifier(tmp_path, "auth", "crypto", "tests")
    result = built.classify("registry/auth/htpasswd/htpasswd_test.go", textwrap.dedent(GO_TEST).encode())
    assert {r.zone for r in result.regions} == {"tests"}
    # the same code outside a test file is auth
    assert "auth" in {r.zone for r in built.classify("registry/auth/htpasswd/hash.go", GO_TEST.encode()).regions}


# actual-sync-server 25.6.0 (MIT, npm @actual-app/sync-server), build/src/accounts/password.js (abridged)
ACTUAL_PASSWORD = """
import * as bcrypt from 'bcrypt';
function isValidPassword(password) {
    return password != null && password !== '';
}
function hashPassword(password) {
    return bcrypt.hashSync(password, 12);
}
export function changePassword(newPassword) {
    const hashed = hashPassword(newPassword);
    getAccountDb().mutate("UPDATE auth SET extra_data = ? WHERE method = 'password'", [hashed]);
    return {};
}
export function checkPassword(password) {
    const { extra_data: passwordHash } = getAccountDb().first('SELECT extra_data FROM auth') || {};
    return bcrypt.compareSync(password, passwordHash);
}
"""


def test_camel_case_password_functions_and_their_wrappers(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "auth"), "accounts/password.js", ACTUAL_PASSWORD, "auth")
    # isValidPassword(password) is in by its parameter: it decides which passwords are accepted
    assert found == {"isValidPassword", "hashPassword", "changePassword", "checkPassword"}


# actual-sync-server 25.6.0 (MIT), build/src/app-secrets.js (abridged)
EXPRESS_ROUTES = """
import express from 'express';
import { isAdmin } from './account-db.js';
import { secretsService } from './services/secrets-service.js';
import { requestLoggerMiddleware, validateSessionMiddleware, } from './util/middlewares.js';
const app = express();
export { app as handlers };
app.use(express.json());
app.use(requestLoggerMiddleware);
app.use(validateSessionMiddleware);
app.post('/', async (req, res) => {
    const { name, value } = req.body || {};
    if (!isAdmin(res.locals.user_id)) {
        res.status(403).send({ status: 'error', reason: 'not-admin' });
        return;
    }
    secretsService.set(name, value);
    res.status(200).send({ status: 'ok' });
});
app.get('/health', (req, res) => {
    res.send({ status: 'ok' });
});
"""


def test_anonymous_express_handlers_are_regions_of_their_own(tmp_path: Path) -> None:
    built = classifier(tmp_path, "auth", "secrets")
    result = built.classify("app-secrets.js", textwrap.dedent(EXPRESS_ROUTES).lstrip("\n").encode())
    by_zone: dict[str, set[str | None]] = {}
    for r in result.regions:
        by_zone.setdefault(r.zone, set()).add(r.symbol)
    assert by_zone["auth"] == {"app.use(validateSessionMiddleware);", "POST /"}
    assert by_zone["secrets"] == {"POST /"}


# mlstacks 0.10.0 (PyPI sdist; Apache-2.0), src/mlstacks/terraform/aws-modular/vpc.tf, eks.tf, s3.tf
# and variables.tf (abridged)
TERRAFORM = """
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = ">= 4.0.0"
  cidr = "11.12.0.0/16"
}

resource "aws_eks_cluster" "cluster" {
  name     = "cluster"
  role_arn = aws_iam_role.cluster[0].arn
  vpc_config {
    endpoint_public_access  = true
    public_access_cidrs     = ["0.0.0.0/0"]
  }
}

resource "aws_s3_bucket" "zenml-artifact-store" {
  bucket        = "artifacts"
  force_destroy = true
}

variable "mlflow-password" {
  description = "The password for the MLflow Tracking Server"
  default     = "supersafepassword"
  type        = string
}

variable "mlflow-username" {
  description = "The username for the MLflow Tracking Server"
  default     = "admin"
  type        = string
}
"""


def test_terraform_modules_security_attributes_and_secret_defaults(tmp_path: Path) -> None:
    built = classifier(tmp_path, "iac", "secrets")
    result = built.classify("infra/main.tf", TERRAFORM.encode())
    iac = {r.symbol for r in result.regions if r.zone == "iac"}
    secrets = {r.symbol for r in result.regions if r.zone == "secrets"}
    assert iac == {"module.vpc", "aws_eks_cluster.cluster"}
    assert secrets == {"var.mlflow-password"}


# fastapi 0.115.0 sdist (MIT), docs_src/security/tutorial004_py310.py (the first lines)
HARD_CODED_KEY = '''
# to get a string like this run:
# openssl rand -hex 32
SECRET_KEY = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 30
'''


def test_hard_coded_signing_key_is_a_secret(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "secrets"), "app/main.py", HARD_CODED_KEY, "secrets")
    assert found == {"SECRET_KEY"}


# generator-jhipster 8.7.0 (Apache-2.0), spring-boot templates .../config/application-tls.yml.ejs
APPLICATION_YML = """
server:
  ssl:
    key-store: classpath:config/tls/keystore.p12
    key-store-password: password
    key-store-type: PKCS12
"""


def test_committed_application_yml_with_a_password(tmp_path: Path) -> None:
    built = classifier(tmp_path, "secrets")
    assert zoned(built, "src/main/resources/config/application-tls.yml", APPLICATION_YML, "secrets")
    placeholder = APPLICATION_YML.replace("key-store-password: password", "key-store-password: ${KEYSTORE_PASSWORD}")
    assert zoned(built, "src/main/resources/config/application-tls.yml", placeholder, "secrets") == set()


# @react-native-firebase/auth 26.4.0 (Apache-2.0, npm), android/.../NativeRNFBTurboAuth.java (abridged)
FIREBASE_JAVA = """
import com.google.firebase.FirebaseApp;
import com.google.firebase.auth.FirebaseAuth;

public class NativeRNFBTurboAuth {
  public void signInWithEmailAndPassword(String appName, final String email, final String password, final Promise promise) {
    FirebaseApp firebaseApp = FirebaseApp.getInstance(appName);
    FirebaseAuth firebaseAuth = FirebaseAuth.getInstance(firebaseApp);
    firebaseAuth.signInWithEmailAndPassword(email, password);
  }

  private ExecutorService getExecutor() {
    return executorService.getExecutor();
  }
}
"""


def test_hosted_identity_sdk(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "auth"), "NativeRNFBTurboAuth.java", FIREBASE_JAVA, "auth")
    assert found == {"NativeRNFBTurboAuth.signInWithEmailAndPassword"}


# containers/image 5.23.1 (Apache-2.0), docker/reference/regexp.go (abridged): a regex helper named
# `capture`, called everywhere in the file; a bare `capture` put all of it in payments.
REGEXP_CAPTURE = '''
package reference

import "regexp"

var ReferenceRegexp = anchored(capture(NameRegexp),
	optional(literal(":"), capture(TagRegexp)))

// capture wraps the expression in a capturing group.
func capture(res ...*regexp.Regexp) *regexp.Regexp {
	return match(`(` + expression(res...).String() + `)`)
}
'''

# @vendure/core 2.3.3 (MIT), dist/config/payment/example-payment-method-handler.js (abridged): the
# Stripe-style `charges.capture` that settles a payment.
CHARGES_CAPTURE = '''
const handler = {
    settlePayment: async (ctx, order, payment, args, method) => {
        const result = await gripeSDK.charges.capture(payment.transactionId);
        return { success: result };
    },
};
'''


def test_a_regex_capture_helper_is_not_payments_but_charges_capture_is(tmp_path: Path) -> None:
    built = classifier(tmp_path, "payments")
    assert zoned(built, "docker/reference/regexp.go", REGEXP_CAPTURE, "payments") == set()
    assert zoned(built, "dist/config/payment/handler.js", CHARGES_CAPTURE, "payments") != set()
