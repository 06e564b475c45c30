"""False alarms found on real prompt and instruction files, kept as regressions.

Each snippet is one line (or two) quoted from a public file of the pinned prompt-file corpus
(`benchmarks/corpora/prompt_files.json`; awesome-copilot is MIT-licensed, awesome-cursorrules CC0),
with its source. Checked with every preset's `sensitive` patterns in force.
"""

from __future__ import annotations

import pytest

from pavedroad.prompts import check_prompt

COPILOT = "github/awesome-copilot@ab7544d0"
CURSOR = "PatrickJS/awesome-cursorrules@b044f956"
#: `sensitive` of preset:secrets.
SENSITIVE = (
    "**/.env", "**/.env.*", "**/*.pem", "**/*.key", "**/*.p12", "**/*.pfx", "**/*.jks",
    "**/id_rsa*", "**/id_ed25519*", "secrets/**", "**/*.tfstate", "**/*.tfstate.backup",
)  # fmt: skip

REAL = [
    # credential words in prose
    (f"{COPILOT} agents/aem-frontend-specialist.agent.md:287", '# Figma Token: "Desktop/Title/H1" → 75px, Cal Sans font'),
    (f"{COPILOT} agents/gem-browser-tester.agent.md:55", "  - Evidence: On fail: screenshots + trace + logs. On pass: baselines."),
    (f"{COPILOT} skills/azure-developer-cli/SKILL.md:31", "- Prefer managed identities and RBAC. Use Key Vault references and `azd env set-secret` when a secret is unavoidable."),
    (f"{COPILOT} skills/mcp-implementation-security-review/SKILL.md:232", "Pass: Least-privilege scopes, per-request authorization, no runtime capability expansion. Fail: Broad scopes, one-time auth only, or self-escalating tools."),
    # flags and code
    (f"{COPILOT} agents/react18-test-guardian.agent.md:39", "npm test -- --watchAll=false --passWithNoTests --forceExit 2>&1 | tail -30"),
    (f"{COPILOT} agents/apify-integration-expert.agent.md:111", "    token: process.env.APIFY_TOKEN!,"),
    (f"{CURSOR} rules/hol-hedera-typescript-cursorrules-prompt-file.mdc:121", "    privateKey: process.env.HEDERA_OPERATOR_KEY!,"),
    (f"{COPILOT} instructions/power-bi-devops-alm-best-practices.instructions.md:380", '    $servicePrincipalSecret = Get-AzKeyVaultSecret -VaultName $KeyVaultName -Name "PowerBI-ServicePrincipal-Secret-$Environment" -AsPlainText'),
    (f"{COPILOT} instructions/power-bi-devops-alm-best-practices.instructions.md:392", "$securePassword = ConvertTo-SecureString $credentials.ServicePrincipalSecret -AsPlainText -Force"),
    (f"{COPILOT} instructions/apex.instructions.md:677", "    private static final String NAMED_CREDENTIAL = 'callout:External_API';"),
    # names, not values
    (f"{COPILOT} instructions/dataverse-python-file-operations.instructions.md:237", '    client_secret="client-secret"'),
    (f"{COPILOT} instructions/mcp-m365-copilot.instructions.md:57", '  "client_secret": "github_client_secret",'),
    (f"{COPILOT} skills/pinecone-rag/SKILL.md:50", 'pc = Pinecone(api_key="PINECONE_API_KEY")'),
    (f"{COPILOT} skills/dataverse-python-usecase-builder/SKILL.md:36", '        "primary_key": "new_documentid",'),
    (f"{CURSOR} rules/vercel-deployment.mdc:27", '        { "key": "X-Content-Type-Options", "value": "nosniff" },'),
    (f"{COPILOT} skills/containerize-aspnet-framework/SKILL.md:127", '<section name="configBuilders" type="System.Configuration.ConfigurationBuildersSection, System.Configuration, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a" restartOnExternalChanges="false" />'),
    # demo values
    (f"{COPILOT} instructions/code-review-generic.instructions.md:142", 'const API_KEY = "sk_live_abc123xyz789";'),
    (f"{COPILOT} instructions/security-and-owasp.instructions.md:412", "const API_KEY = 'sk_live_abc123def456';"),
    (f"{COPILOT} skills/scoutqa-test/SKILL.md:347", "Use these test credentials: username: testuser@example.com, password: TestPass123"),
    (f"{CURSOR} rules/testrail-test-case-cursorrules-prompt-file.mdc:229", "- Password: WrongPassword123"),
    (f"{COPILOT} agents/se-gitops-ci-specialist.agent.md:92", "API_KEY=actual_secret_key_12345"),
    (f"{COPILOT} skills/mcp-security-audit/SKILL.md:100", '      "args": ["server.js", "--api-key", "sk-abc123realkey456"],'),
    # example e-mails
    (f"{COPILOT} instructions/apex.instructions.md:1095", "            Email = 'testuser@test.com',"),
    (f"{COPILOT} instructions/power-bi-security-rls-best-practices.instructions.md:138", "OR USER_NAME() = 'BatchProcess@contoso.com';"),
    (f"{COPILOT} skills/entra-agent-user/SKILL.md:92", '  "userPrincipalName": "my-agent-user@yourtenant.onmicrosoft.com",'),
    (f"{COPILOT} skills/flowstudio-power-automate-monitoring/SKILL.md:269", '    "mail": "maker@contoso.com",'),
    (f"{COPILOT} skills/phoenix-evals/SKILL.md:7", "  author: oss@arize.com"),
    (f"{CURSOR} rules/nextjs-vercel-supabase-cursorrules-prompt-file.mdc:101", "At the bottom, the user's email is displayed (e.g., alex@tesla.com), along with a secure"),
    (f"{COPILOT} instructions/dataverse-python-advanced-features.instructions.md:39", 'priority_formatted = record.get("new_priority@OData.Community.Display.V1.FormattedValue")  # Returns: "High"'),
    # file names in prose (sensitive patterns of preset:secrets)
    (f"{COPILOT} agents/trojan-skill-hunter.agent.md:39", "| Silent exfiltration | LLM02 | Instructions to read secrets/env vars/SSH keys/config and smuggle them into an innocuous-looking output field |"),
    # an empty assignment must not take the next line as its value (gitleaks' generic fps)
    ("gitleaks/gitleaks cmd/generate/config/rules/generic.go", "GITHUB_API_KEY=\nDYNATRACE_API_KEY="),
    ("gitleaks/gitleaks cmd/generate/config/rules/generic.go", "snowflake.password=\njdbc.snowflake.url="),
]  # fmt: skip


@pytest.mark.parametrize(("source", "text"), REAL, ids=[s for s, _ in REAL])
def test_real_false_alarm_stays_fixed(source: str, text: str) -> None:
    report = check_prompt(text, sensitive=SENSITIVE)
    assert report.findings == (), (source, [(f.rule, f.masked) for f in report.findings])


def test_real_personal_address_is_still_reported() -> None:
    # skills/azure-resource-visualizer/SKILL.md:6 names its author's work address: a real person.
    # (Shape kept, name changed: the test must not republish the address.)
    report = check_prompt("  author: Dana Novak (dana.novak@microsoft.com)")
    assert [f.rule for f in report.findings] == ["pii.email"]
    assert report.findings[0].masked == "dana****************.com"


@pytest.mark.parametrize(
    "text",
    [
        "db_password: Vq9#kLm2!xTz",  # a real-looking value after a label
        "password = 'correct-horse-battery-staple'",  # a lower-case passphrase stays a secret
        "--password Xk9pass#Zr81 --user bob",
        "API_TOKEN=aX9kQ2mP7vL3nB8z",
    ],
)
def test_hardening_did_not_drop_real_credentials(text: str) -> None:
    report = check_prompt(text)
    assert [f.rule for f in report.findings] == ["secret.generic-assignment"]
    assert all(f.masked != text for f in report.findings)
