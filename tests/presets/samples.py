"""Realistic sample files per preset and language: (path, code, in-zone symbols, harmless symbols).

`None` in the in-zone set means a whole-file region. Harmless symbols must not be in the zone at all
(and the file must not be in it either, unless the case says the whole file is).
"""

from __future__ import annotations

from typing import NamedTuple


class Case(NamedTuple):
    preset: str
    language: str
    path: str
    code: str
    zoned: frozenset[str | None]
    harmless: frozenset[str]


def case(preset: str, language: str, path: str, code: str, zoned: set[str | None], harmless: set[str]) -> Case:
    return Case(preset, language, path, code.lstrip("\n"), frozenset(zoned), frozenset(harmless))


CASES: list[Case] = [
    # ------------------------------------------------------------------ auth
    case("auth", "python", "app/views.py", '''
from flask import Flask, jsonify
from flask_login import current_user, login_required
import jwt

app = Flask(__name__)


def paginate(items, page, size=20):
    return items[page * size : (page + 1) * size]


@app.route("/me")
@login_required
def me():
    return jsonify(name=current_user.name)


def issue_token(user_id, secret):
    return jwt.encode({"sub": user_id}, secret, algorithm="HS256")


@app.route("/health")
def health():
    return jsonify(status="ok")
''', {"me", "issue_token"}, {"paginate", "health"}),
    case("auth", "javascript", "server/auth.js", '''
const express = require("express");
const passport = require("passport");
const bcrypt = require("bcryptjs");

function formatUser(user) {
  return { id: user.id, name: user.name };
}

async function verifyPassword(user, password) {
  return bcrypt.compare(password, user.passwordHash);
}

function registerRoutes(router) {
  router.post("/login", passport.authenticate("local"), (req, res) => res.json(formatUser(req.user)));
  router.get("/ping", (req, res) => res.send("pong"));
}

function createApp() {
  return express();
}

module.exports = { registerRoutes, verifyPassword, createApp };
''', {"verifyPassword", "registerRoutes"}, {"formatUser", "createApp"}),
    case("auth", "typescript", "src/profile.controller.ts", '''
import { Controller, Get, UseGuards } from "@nestjs/common";
import { AuthGuard } from "@nestjs/passport";
import * as jwt from "jsonwebtoken";

export function slugify(title: string): string {
  return title.toLowerCase().replace(/\\s+/g, "-");
}

@Controller("profile")
export class ProfileController {
  @UseGuards(AuthGuard("jwt"))
  @Get()
  me(): { ok: boolean } {
    return { ok: true };
  }

  version(): string {
    return "1.0";
  }
}

export function issueToken(userId: string, secret: string): string {
  return jwt.sign({ sub: userId }, secret, { expiresIn: "1h" });
}
''', {"ProfileController.me", "issueToken"}, {"slugify", "ProfileController.version", "ProfileController"}),
    case("auth", "go", "internal/auth/auth.go", '''
package auth

import (
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
)

func Slug(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

func ParseToken(raw string, key []byte) (*jwt.Token, error) {
	return jwt.Parse(raw, func(t *jwt.Token) (interface{}, error) { return key, nil })
}

func CheckPassword(hash, password []byte) bool {
	return bcrypt.CompareHashAndPassword(hash, password) == nil
}

func Health(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
}
''', {"ParseToken", "CheckPassword"}, {"Slug", "Health"}),
    case("auth", "java", "src/main/java/com/acme/web/AdminController.java", '''
package com.acme.web;

import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class AdminController {
    @GetMapping("/health")
    public String health() {
        return "ok";
    }

    @PreAuthorize("hasRole('ADMIN')")
    @GetMapping("/admin/users")
    public List<String> users() {
        return List.of("alice", "bob");
    }
}
''', {"AdminController.users"}, {"AdminController.health", "AdminController"}),
    # ------------------------------------------------------------------ secrets
    case("secrets", "python", "app/config.py", '''
import json
import os

import boto3


def load_db_password(secret_id):
    client = boto3.client("secretsmanager")
    secret = client.get_secret_value(SecretId=secret_id)
    return json.loads(secret["SecretString"])["password"]


def payments_api_key():
    return os.environ["PAYMENTS_API_KEY"]


def debug_enabled():
    return os.environ.get("DEBUG") == "1"


def render(rows):
    return json.dumps(rows, indent=2)
''', {"load_db_password", "payments_api_key"}, {"debug_enabled", "render"}),
    case("secrets", "javascript", "src/secrets.mjs", '''
import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";

export async function getDbPassword(id) {
  const client = new SecretsManagerClient({});
  const out = await client.send(new GetSecretValueCommand({ SecretId: id }));
  return JSON.parse(out.SecretString).password;
}

export function stripeKey() {
  return process.env.STRIPE_SECRET_KEY;
}

export function port() {
  return Number(process.env.PORT || 3000);
}

export function formatRow(row) {
  return `${row.id}: ${row.name}`;
}
''', {"getDbPassword", "stripeKey"}, {"port", "formatRow"}),
    case("secrets", "typescript", "src/env.ts", '''
import { SecretClient } from "@azure/keyvault-secrets";

export function jwtSecret(): string {
  return process.env["JWT_SECRET"] ?? "";
}

export async function fetchSigningKey(client: SecretClient): Promise<string> {
  const secret = await client.getSecret("signing-key");
  return secret.value ?? "";
}

export function logLevel(): string {
  return process.env.LOG_LEVEL ?? "info";
}
''', {"jwtSecret", "fetchSigningKey"}, {"logLevel"}),
    case("secrets", "go", "internal/config/config.go", '''
package config

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

func DBPassword(ctx context.Context, c *secretsmanager.Client, id string) (string, error) {
	out, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &id})
	if err != nil {
		return "", err
	}
	return *out.SecretString, nil
}

func APIKey() string {
	return os.Getenv("API_KEY")
}

func Port() string {
	return os.Getenv("PORT")
}
''', {"DBPassword", "APIKey"}, {"Port"}),
    case("secrets", "java", "src/main/java/com/acme/Secrets.java", '''
package com.acme;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

public class Secrets {
    public String dbPassword(SecretsManagerClient client, String id) {
        GetSecretValueRequest request = GetSecretValueRequest.builder().secretId(id).build();
        return client.getSecretValue(request).secretString();
    }

    public String apiKey() {
        return System.getenv("PAYMENTS_API_KEY");
    }

    public String region() {
        return System.getenv("AWS_REGION");
    }
}
''', {"Secrets.dbPassword", "Secrets.apiKey"}, {"Secrets.region", "Secrets"}),
    case("secrets", "terraform", "infra/secrets.tf", '''
resource "aws_secretsmanager_secret" "db" {
  name = "prod/db"
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "random_password" "db" {
  length = 32
}
''', {"aws_secretsmanager_secret.db", "random_password.db"}, {"aws_s3_bucket.logs"}),
    case("secrets", "yaml", "k8s/app.yaml", '''
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-settings
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: Secret
metadata:
  name: app-credentials
type: Opaque
stringData:
  password: "${DB_PASSWORD}"
''', {"Secret/app-credentials"}, {"ConfigMap/app-settings"}),
    case("secrets", "paths", "deploy/.env.production", "DATABASE_URL=postgres://app@db/app\n", {None}, set()),
    case("secrets", "paths", "certs/server.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n", {None}, set()),
    # ------------------------------------------------------------------ crypto
    case("crypto", "python", "app/signing.py", '''
import base64
import hashlib
import hmac


def etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def sign(payload: bytes, key: bytes) -> str:
    return base64.b64encode(hmac.new(key, payload, "sha256").digest()).decode()


def chunk(data, n):
    return [data[i : i + n] for i in range(0, len(data), n)]
''', {"etag", "sign"}, {"chunk"}),
    case("crypto", "javascript", "lib/box.js", '''
const crypto = require("node:crypto");

function seal(key, iv, text) {
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  return Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
}

function title(s) {
  return s[0].toUpperCase() + s.slice(1);
}

module.exports = { seal, title };
''', {"seal"}, {"title"}),
    case("crypto", "typescript", "src/fingerprint.ts", '''
import { createHash } from "crypto";

export function fingerprint(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}
''', {"fingerprint"}, {"clamp"}),
    case("crypto", "go", "services/token/token.go", '''
package token

import (
	"crypto/aes"
	"crypto/cipher"
	"strings"
)

func Normalize(s string) string {
	return strings.TrimSpace(strings.ToLower(s))
}

func Seal(key, nonce, plaintext []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return gcm.Seal(nil, nonce, plaintext, nil), nil
}
''', {"Seal"}, {"Normalize"}),
    case("crypto", "java", "src/main/java/com/acme/Vault.java", '''
package com.acme;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

public class Vault {
    public String describe() {
        return "vault";
    }

    public byte[] protect(byte[] key, byte[] data) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        return cipher.doFinal(data);
    }
}
''', {"Vault.protect"}, {"Vault.describe", "Vault"}),
    case("crypto", "terraform", "infra/pki.tf", '''
resource "tls_private_key" "ca" {
  algorithm = "RSA"
  rsa_bits  = 4096
}

resource "aws_kms_key" "data" {
  description = "data at rest"
}

resource "aws_cloudwatch_log_group" "app" {
  name = "app"
}
''', {"tls_private_key.ca", "aws_kms_key.data"}, {"aws_cloudwatch_log_group.app"}),
    # ------------------------------------------------------------------ iac
    case("iac", "terraform", "infra/main.tf", '''
resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}

resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = file("${path.module}/trust.json")
}

resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "google_project_iam_member" "ci" {
  project = "acme"
  role    = "roles/editor"
  member  = "serviceAccount:ci@acme.iam.gserviceaccount.com"
}

output "bucket" {
  value = aws_s3_bucket.assets.id
}
''', {"aws_iam_role.deployer", "aws_security_group.web", "google_project_iam_member.ci"},
        {"aws_s3_bucket.assets", "output.bucket"}),
    case("iac", "yaml", "k8s/rbac.yaml", '''
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: web-admin
roleRef:
  kind: ClusterRole
  name: cluster-admin
''', {"ClusterRoleBinding/web-admin"}, {"Deployment/web"}),
    case("iac", "paths", "Dockerfile", "FROM python:3.12-slim\nRUN pip install app\n", {None}, set()),
    case("iac", "paths", ".github/workflows/ci.yml", "on: push\njobs: {}\n", {None}, set()),
    # ------------------------------------------------------------------ pii
    case("pii", "python", "app/models.py", '''
from dataclasses import dataclass


@dataclass
class Customer:
    name: str
    ssn: str
    date_of_birth: str


def mask_ssn(ssn: str) -> str:
    return "***-**-" + ssn[-4:]


def greeting(name: str) -> str:
    return f"Hello {name}"
''', {"Customer", "mask_ssn"}, {"greeting"}),
    case("pii", "javascript", "src/patient.js", '''
export class Patient {
  name;
  dateOfBirth;
}

export function validateSsn(value) {
  return /^\\d{3}-\\d{2}-\\d{4}$/.test(value);
}

export function formatName(p) {
  return p.name.trim();
}
''', {"Patient", "validateSsn"}, {"formatName"}),
    case("pii", "typescript", "src/applicant.ts", '''
export interface Applicant {
  name: string;
  passportNumber: string;
}

export function parseDateOfBirth(s: string): Date {
  return new Date(s);
}

export function formatName(a: Applicant): string {
  return a.name;
}
''', {"Applicant", "parseDateOfBirth"}, {"formatName"}),
    case("pii", "go", "internal/hr/employee.go", '''
package hr

import "strings"

type Employee struct {
	Name string
	SSN  string
}

func HashSSN(s string) string {
	return strings.Repeat("*", len(s))
}

func FullName(first, last string) string {
	return first + " " + last
}
''', {"Employee", "HashSSN"}, {"FullName"}),
    case("pii", "java", "src/main/java/com/acme/Patient.java", '''
package com.acme;

class Patient {
    private String name;
    private String ssn;
}

class Records {
    static String maskSsn(String s) {
        return "***" + s.substring(s.length() - 4);
    }

    static String greet(String name) {
        return "Hello " + name;
    }
}
''', {"Patient", "Records.maskSsn"}, {"Records.greet", "Records"}),
    case("pii", "paths", "services/customers/export.py", "def export():\n    return []\n", {None}, set()),
    # ------------------------------------------------------------------ payments
    case("payments", "python", "billing/charges.py", '''
import stripe


def charge_customer(customer_id, amount_cents):
    return stripe.PaymentIntent.create(
        customer=customer_id, amount=amount_cents, currency="usd", confirm=True
    )


def cents(amount):
    return int(round(amount * 100))
''', {"charge_customer"}, {"cents"}),
    case("payments", "javascript", "src/refunds.js", '''
const stripe = require("stripe")(process.env.STRIPE_KEY);

async function refundOrder(order) {
  return stripe.refunds.create({ payment_intent: order.paymentIntent });
}

function orderTotal(items) {
  return items.reduce((sum, item) => sum + item.price * item.qty, 0);
}

module.exports = { refundOrder, orderTotal };
''', {"refundOrder"}, {"orderTotal"}),
    case("payments", "typescript", "src/checkout.ts", '''
import { loadStripe } from "@stripe/stripe-js";

export async function redirectToCheckout(sessionId: string): Promise<void> {
  const stripe = await loadStripe("pk_test_123");
  await stripe?.redirectToCheckout({ sessionId });
}

export function formatPrice(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
''', {"redirectToCheckout"}, {"formatPrice"}),
    case("payments", "go", "internal/billing/charge.go", '''
package billing

import (
	"fmt"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/paymentintent"
)

func Charge(amount int64) (*stripe.PaymentIntent, error) {
	params := &stripe.PaymentIntentParams{Amount: stripe.Int64(amount), Currency: stripe.String("usd")}
	return paymentintent.New(params)
}

func FormatCents(c int64) string {
	return fmt.Sprintf("%d.%02d", c/100, c%100)
}
''', {"Charge"}, {"FormatCents"}),
    case("payments", "java", "src/main/java/com/acme/Billing.java", '''
package com.acme;

import com.stripe.model.Charge;
import com.stripe.param.ChargeCreateParams;

public class Billing {
    public Charge bill(long amount, String source) throws Exception {
        ChargeCreateParams params = ChargeCreateParams.builder()
            .setAmount(amount).setCurrency("usd").setSource(source).build();
        return Charge.create(params);
    }

    public String currency() {
        return "usd";
    }
}
''', {"Billing.bill"}, {"Billing.currency", "Billing"}),
    # ------------------------------------------------------------------ tests
    case("tests", "python", "tests/test_api.py", "def test_ok():\n    assert True\n", {None}, set()),
    case("tests", "python", "pkg/test_util.py", "def test_ok():\n    assert True\n", {None}, set()),
    case("tests", "go", "pkg/api/api_test.go", "package api\n\nfunc TestX(t *testing.T) {}\n", {None}, set()),
    case("tests", "typescript", "src/app.spec.ts", "describe('app', () => {});\n", {None}, set()),
    case("tests", "javascript", "web/app.test.js", "test('x', () => {});\n", {None}, set()),
    case("tests", "java", "src/test/java/com/acme/AppTest.java", "class AppTest {}\n", {None}, set()),
    case("tests", "terraform", "infra/tests/main.tftest.hcl", "run \"plan\" {}\n", {None}, set()),
    # ------------------------------------------------------------------ docs
    case("docs", "paths", "docs/guide/setup.md", "# Setup\n", {None}, set()),
    case("docs", "paths", "README.md", "# Project\n", {None}, set()),
    case("docs", "paths", "docs/api.rst", "API\n===\n", {None}, set()),
]

#: files each preset must leave alone (no region of its zone at all)
UNZONED: dict[str, list[tuple[str, str]]] = {
    "auth": [("app/util.py", "def add(a, b):\n    return a + b\n")],
    "secrets": [("src/env.py", "import os\n\ndef home():\n    return os.environ['HOME']\n")],
    "crypto": [("app/text.py", "import textwrap\n\ndef wrap(s):\n    return textwrap.wrap(s)\n")],
    "iac": [("infra/storage.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')],
    "pii": [("app/names.py", "class User:\n    classname = 'u'\n\ndef display_name(u):\n    return u.name\n")],
    "payments": [("app/cart.py", "def add_item(cart, item):\n    cart.append(item)\n")],
    "tests": [("src/app.py", "def main():\n    pass\n"), ("src/testing_utils.go", "package src\n")],
    "docs": [("src/app.py", "def main():\n    pass\n"), ("docs.py", "X = 1\n")],
}
