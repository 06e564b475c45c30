"""Terraform/HCL blocks and YAML (Kubernetes) documents."""

from __future__ import annotations

from .helpers import classify, reasons, region, symbols, zone

TF = """
terraform {
  required_version = ">= 1.5"
}

resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}

resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = file("${path.module}/trust.json")
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
  }
}

module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}

variable "ssn_salt" {
  type      = string
  sensitive = true
}
"""


def test_symbols_match_block_type_labels_and_addresses() -> None:
    result = classify(zone("iac", symbols=["^aws_iam_", "^module\\.vpc$", "^var\\.ssn"]), "main.tf", TF)
    assert symbols(result) == {"aws_iam_role.deployer", "data.aws_iam_policy_document.trust", "module.vpc", "var.ssn_salt"}
    r = region(result, "iac", "aws_iam_role.deployer")
    assert (r.kind, r.start_line, r.end_line) == ("block", 9, 12)
    assert reasons(result, "iac", "aws_iam_role.deployer") == ("symbol aws_iam_role.deployer",)


def test_query_marks_the_enclosing_top_level_block() -> None:
    query = """
    (block (identifier) @kind (string_lit (template_literal) @type)
      (#eq? @kind "resource") (#match? @type "^aws_(iam|s3)_"))
    (attribute (identifier) @attr (#eq? @attr "actions"))
    """
    result = classify(zone("iac", queries={"terraform": query}), "main.tf", TF)
    assert symbols(result) == {"aws_s3_bucket.assets", "aws_iam_role.deployer", "data.aws_iam_policy_document.trust"}
    assert reasons(result, "iac", "aws_iam_role.deployer") == ("query hcl#0",)


def test_tfvars_and_markers() -> None:
    code = '# pavedroad: zone=iac\nregion = "eu-west-1"\n'
    result = classify(zone("iac"), "prod.tfvars", code)
    assert symbols(result) == {None}
    code = 'resource "null_resource" "x" {\n  # pavedroad: zone=iac\n}\nresource "null_resource" "y" {}\n'
    assert symbols(classify(zone("iac"), "m.tf", code)) == {"null_resource.x"}


KIND_QUERY = """
(document (block_node (block_mapping (block_mapping_pair
  key: (flow_node (plain_scalar (string_scalar) @_k))
  value: (flow_node) @kind
  (#eq? @_k "kind") (#match? @kind "^[\\"']?(Secret|Role)[\\"']?$")))))
"""

MANIFESTS = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  kind: Secret
---
apiVersion: v1
kind: "Secret"
metadata:
  name: db-credentials
stringData:
  password: x
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
"""


def test_yaml_query_marks_documents() -> None:
    result = classify(zone("secrets", queries={"yaml": KIND_QUERY}), "k8s/all.yaml", MANIFESTS)
    assert symbols(result) == {"Secret/db-credentials", "Role/reader"}
    r = region(result, "secrets", "Secret/db-credentials")
    assert (r.kind, r.start_line, r.end_line) == ("block", 7, 13)  # from its `---`
    r = region(result, "secrets", "Role/reader")
    assert (r.start_line, r.end_line) == (14, 17)


def test_yaml_marker_and_unnamed_documents() -> None:
    code = "a: 1\n---\n# pavedroad: zone=secrets\nb: 2\n"
    result = classify(zone("secrets"), "x.yml", code)
    assert symbols(result) == {"document 2"}
