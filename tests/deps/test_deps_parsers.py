"""Manifest parsers on real manifests (tests/deps/fixtures/manifests, sources in SOURCES.md), on
the grammar corners of each format, and on broken, hostile and huge input."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from pavedroad.deps import is_manifest, manifest_kind, parse_manifest
from pavedroad.deps.manifests import common
from pavedroad.deps.model import Dependency, ParsedManifest

Read = Callable[[str], str]


def by_name(parsed: ParsedManifest) -> dict[str, Dependency]:
    return {d.name: d for d in parsed.dependencies}


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# --- real manifests -----------------------------------------------------------------------------
def test_requirements_real(manifest_text: Read) -> None:
    text = manifest_text("mcp-simple-chatbot.requirements.txt")
    parsed = parse_manifest("requirements.txt", text)
    assert parsed.problems == ()
    deps = by_name(parsed)
    assert list(deps) == ["python-dotenv", "requests", "mcp", "uvicorn"]
    assert deps["requests"].spec == ">=2.31.0" and deps["requests"].line == 2


def test_pyproject_poetry_real(manifest_text: Read) -> None:
    text = manifest_text("guarddog.pyproject.toml")
    parsed = parse_manifest("pyproject.toml", text)
    assert parsed.problems == ()
    deps = by_name(parsed)
    assert "python" not in deps  # the interpreter constraint is not a package
    assert deps["click"].spec == "^8.4.1" and deps["click"].section == "tool.poetry.dependencies"
    assert deps["click"].line == line_of(text, "click =")
    assert deps["pytest-mock"].section == "tool.poetry.group.dev.dependencies"
    assert deps["pygit2"].line == line_of(text, "pygit2 =")
    assert deps["poetry-core"].section == "build-system.requires"


def test_pyproject_pep621_dynamic_real(manifest_text: Read) -> None:
    parsed = parse_manifest("pyproject.toml", manifest_text("pydantic-ai-slim.pyproject.toml"))
    # dependencies are `dynamic` (a hatch hook): only the build requirements are declared
    assert [d.name for d in parsed.dependencies] == ["hatchling", "uv-dynamic-versioning"]


def test_setup_cfg_real(manifest_text: Read) -> None:
    text = manifest_text("pytest.setup.cfg")
    deps = by_name(parse_manifest("setup.cfg", text))
    assert {"iniconfig", "pluggy", "colorama", "setuptools-scm", "hypothesis", "xmlschema"} <= set(deps)
    assert deps["pluggy"].spec == ">=1.3.0,<2.0"
    assert deps["colorama"].line == line_of(text, 'colorama;sys_platform')
    assert deps["hypothesis"].section == "options.extras_require.testing"


def test_setup_py_real(manifest_text: Read) -> None:
    text = manifest_text("sampleproject.setup.py")
    deps = by_name(parse_manifest("setup.py", text))
    assert set(deps) == {"peppercorn", "check-manifest", "coverage"}
    assert deps["peppercorn"].line == line_of(text, "install_requires=['peppercorn']")


def test_pipfile_real(manifest_text: Read) -> None:
    deps = by_name(parse_manifest("Pipfile", manifest_text("pipenv.Pipfile")))
    assert deps["pipenv"].source_kind == "path" and deps["pytest-pypy"].source_kind == "path"
    assert deps["flake8"].spec == ">=3.3.0,<4" and deps["flake8"].source_kind == "default"
    assert deps["pytest"].spec == ""  # "*"


def test_poetry_and_uv_lock_real(manifest_text: Read) -> None:
    poetry = parse_manifest("poetry.lock", manifest_text("guarddog.poetry.lock"))
    assert poetry.lockfile and poetry.problems == ()
    assert all(d.version for d in poetry.dependencies) and len(poetry.dependencies) == 6
    uv_text = manifest_text("openai-agents.uv.lock")
    uv = by_name(parse_manifest("uv.lock", uv_text))
    assert uv["aiofiles"].version == "24.1.0" and uv["aiofiles"].source_kind == "default"
    assert uv["aiofiles"].line == line_of(uv_text, 'name = "aiofiles"')


def test_package_json_real(manifest_text: Read) -> None:
    text = manifest_text("gemini-cli.package.json")
    parsed = parse_manifest("package.json", text)
    assert parsed.problems == ()
    lines = text.splitlines()
    # "ink": "npm:@jrichman/ink@6.6.9" is an alias: the package fetched is @jrichman/ink
    aliased = [d for d in parsed.dependencies if d.name == "@jrichman/ink"]
    assert aliased and all(d.version == "6.6.9" for d in aliased)
    assert all('"ink": "npm:@jrichman/ink@6.6.9"' in lines[d.line - 1] for d in aliased)
    assert not any(d.name == "ink" for d in parsed.dependencies)
    for dep in parsed.dependencies:
        if dep.column is not None:  # the name as written, at the reported column
            assert lines[dep.line - 1][dep.column:dep.column + len(dep.name)] == dep.name
    assert {d.section for d in parsed.dependencies} >= {"dependencies", "devDependencies"}


def test_package_lock_and_yarn_lock_real(manifest_text: Read) -> None:
    lock = parse_manifest("package-lock.json", manifest_text("gemini-cli.package-lock.json"))
    assert lock.lockfile and len(lock.dependencies) == 12
    assert all(d.version and d.source_kind == "default" for d in lock.dependencies)
    yarn_text = manifest_text("react.yarn.lock")
    yarn = by_name(parse_manifest("yarn.lock", yarn_text))
    assert yarn["@babel/code-frame"].version == "7.23.5"
    assert yarn["@babel/cli"].line == line_of(yarn_text, '"@babel/cli@^7.10.5":')
    assert yarn["@babel/cli"].source_kind == "default"  # registry.yarnpkg.com is the npm mirror


def test_go_mod_and_sum_real(manifest_text: Read) -> None:
    cobra = by_name(parse_manifest("go.mod", manifest_text("cobra.go.mod")))
    assert cobra["github.com/spf13/viper"].version == "v1.9.0"
    gitleaks = parse_manifest("go.mod", manifest_text("gitleaks.go.mod"))
    assert gitleaks.problems == () and len(gitleaks.dependencies) > 50
    indirect = [d for d in gitleaks.dependencies if d.section == "require (indirect)"]
    assert indirect and len(indirect) < len(gitleaks.dependencies)
    go_sum = parse_manifest("go.sum", manifest_text("gitleaks.go.sum"))
    assert go_sum.lockfile and go_sum.problems == ()


def test_pom_real(manifest_text: Read) -> None:
    text = manifest_text("gson.pom.xml")
    parsed = parse_manifest("pom.xml", text)
    assert parsed.problems == ()
    deps = by_name(parsed)
    assert deps["com.google.guava:guava"].version == "33.4.7-jre"
    assert deps["junit:junit"].spec == ""  # managed by the parent
    assert deps["com.guardsquare:proguard-base"].version == "7.7.0"  # a plugin's own dependency
    assert deps["com.github.wvengen:proguard-maven-plugin"].section == "plugin"
    assert deps["org.apache.maven.plugins:maven-compiler-plugin"].section == "plugin"
    assert deps["com.google.guava:guava"].line == line_of(text, "<artifactId>guava</artifactId>")


def test_gradle_and_catalog_real(manifest_text: Read) -> None:
    text = manifest_text("git-ai-intellij.build.gradle.kts")
    gradle = by_name(parse_manifest("build.gradle.kts", text))
    assert gradle["com.posthog.java:posthog"].version == "1.2.0"
    assert gradle["com.posthog.java:posthog"].line == line_of(text, "com.posthog.java:posthog")
    catalog = by_name(parse_manifest("gradle/libs.versions.toml",
                                     manifest_text("git-ai-intellij.libs.versions.toml")))
    assert catalog["junit:junit"].version == "4.13.2"  # via version.ref
    assert catalog["org.opentest4j:opentest4j"].version == "1.3.0"


def test_cargo_real(manifest_text: Read) -> None:
    toml = parse_manifest("Cargo.toml", manifest_text("git-ai.Cargo.toml"))
    assert toml.problems == () and len(toml.dependencies) > 20
    lock = parse_manifest("Cargo.lock", manifest_text("git-ai.Cargo.lock"))
    assert lock.lockfile and all(d.version for d in lock.dependencies)


def test_ruby_real(manifest_text: Read) -> None:
    gemfile = parse_manifest("Gemfile", manifest_text("rack.Gemfile"))
    assert [d.name for d in gemfile.dependencies] == ["bacon", "rake", "thin", "fcgi",
                                                     "memcache-client", "mongrel"]
    assert all(d.source_kind == "default" for d in gemfile.dependencies)
    gemspec = by_name(parse_manifest("rack.gemspec", manifest_text("rack.gemspec")))
    assert gemspec["minitest"].spec == "~> 5.0" and gemspec["rake"].section == "development"
    lock = by_name(parse_manifest("Gemfile.lock", manifest_text("rails.Gemfile.lock")))
    assert lock["httpclient"].source_kind == "git"
    assert lock["actioncable"].source_kind == "path"
    assert lock["aws-sdk-core"].version == "3.190.1"
    assert "public_suffix" not in lock  # a dependency of a dependency, indented deeper


def test_terraform_real(manifest_text: Read) -> None:
    text = manifest_text("terraform-aws-vpc.versions.tf")
    deps = by_name(parse_manifest("versions.tf", text))
    assert deps["hashicorp/aws"].spec == "= 4.67.0"
    assert deps["hashicorp/aws"].line == line_of(text, "aws = {")
    lock = by_name(parse_manifest(".terraform.lock.hcl",
                                  manifest_text("identity-pki.terraform.lock.hcl")))
    assert lock["hashicorp/aws"].version == "4.57.0"
    assert lock["integrations/github"].version == "5.18.3"


# --- grammar corners ----------------------------------------------------------------------------
def test_requirements_grammar() -> None:
    text = (
        "# comment\n"
        "-r base.txt\n"
        "-c constraints.txt\n"
        "--extra-index-url https://user:s3cret@pkgs.example.com/simple\n"
        "requests[socks,security] >= 2.8.1, == 2.8.* ; python_version < \"2.7\"\n"
        "urllib3 \\\n"
        "    ==1.26.0 \\\n"
        "    --hash=sha256:abc\n"
        "-e git+https://github.com/pallets/click.git@8.1.3#egg=click\n"
        "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee\n"
        "./downloads/numpy-1.9.2-cp34-none-win32.whl\n"
        "name-with.dots_and-dashes~=1.0  # trailing comment\n"
    )
    parsed = parse_manifest("requirements/dev.txt", text)
    assert parsed.problems == ()
    deps = by_name(parsed)
    assert deps["requests"].spec == ">= 2.8.1, == 2.8.*" and deps["requests"].line == 5
    assert deps["urllib3"].line == 6 and deps["urllib3"].version == "1.26.0"
    assert deps["click"].source_kind == "git"
    assert deps["pip"].source_kind == "url"
    assert deps["numpy"].source_kind == "path"
    # the extra index makes every default-source requirement ambiguous (dependency confusion)
    assert deps["requests"].source_kind == "registry"
    assert "s3cret" not in deps["requests"].source  # credentials are never kept


def test_requirements_index_url() -> None:
    deps = by_name(parse_manifest("requirements.txt", "-i https://pypi.org/simple\nflask\n"))
    assert deps["flask"].source_kind == "default"
    deps = by_name(parse_manifest("requirements.txt", "--index-url=https://mirror.corp/simple\nflask\n"))
    assert deps["flask"].source_kind == "registry"


def test_npm_spec_kinds() -> None:
    text = """{"dependencies": {
      "a": "^1.2.3", "b": "npm:real-b@^2.0.0", "c": "github:user/c", "d": "user/d#v1",
      "e": "https://example.com/e.tgz", "f": "file:../f", "g": "workspace:*",
      "h": "git+ssh://git@github.com/u/h.git", "i": "1.0.0"}}"""
    deps = by_name(parse_manifest("package.json", text))
    assert deps["a"].source_kind == "default" and deps["a"].version is None
    assert "real-b" in deps and "b" not in deps  # the alias fetches real-b
    assert deps["c"].source_kind == "git" and deps["d"].source_kind == "git"
    assert deps["e"].source_kind == "url"
    assert deps["f"].source_kind == "path" and deps["g"].source_kind == "path"
    assert deps["h"].source_kind == "git"
    assert deps["i"].version == "1.0.0"


def test_go_mod_replace_and_errors() -> None:
    text = (
        "module example.com/m\n\ngo 1.22\n\n"
        "require (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/c/d v0.1.0 // indirect\n)\n"
        "require github.com/e/f v2.0.0+incompatible\n"
        "replace github.com/a/b => ../b\n"
        "replace (\n\tgithub.com/c/d v0.1.0 => github.com/evil/d v0.1.1\n)\n"
        "frobnicate x\n"
    )
    parsed = parse_manifest("go.mod", text)
    deps = by_name(parsed)
    assert deps["github.com/a/b"].source_kind == "path"
    assert deps["github.com/c/d"].source_kind == "registry"
    assert "github.com/evil/d" in deps["github.com/c/d"].source
    assert deps["github.com/e/f"].line == 9
    assert [p.line for p in parsed.problems] == [14]


def test_gemfile_options_and_blocks() -> None:
    text = (
        "source 'https://rubygems.org'\n"
        "gem 'rails', '~> 7.1', '>= 7.1.2'\n"
        "gem 'internal', git: 'https://git.corp/internal.git'\n"
        "gem 'x', :github => 'u/x'\n"
        "gem 'local', path: '../local'\n"
        "source 'https://gems.corp.example' do\n"
        "  gem 'corp-lib'\n"
        "end\n"
        "gem 'after'\n"
    )
    deps = by_name(parse_manifest("Gemfile", text))
    assert deps["rails"].spec == "~> 7.1, >= 7.1.2"
    assert deps["internal"].source_kind == "git" and deps["x"].source_kind == "git"
    assert deps["local"].source_kind == "path"
    assert deps["corp-lib"].source_kind == "registry"
    assert deps["after"].source_kind == "default"


def test_cargo_rename_git_registry_workspace() -> None:
    text = (
        "[dependencies]\n"
        "serde = \"1\"\n"
        "rand_old = { package = \"rand\", version = \"0.7\" }\n"
        "mine = { git = \"https://github.com/u/mine\" }\n"
        "corp = { version = \"1\", registry = \"corp\" }\n"
        "shared = { workspace = true }\n"
        "[target.'cfg(unix)'.dependencies]\n"
        "libc = \"0.2\"\n"
    )
    deps = by_name(parse_manifest("Cargo.toml", text))
    assert "rand" in deps and "rand_old" not in deps
    assert deps["mine"].source_kind == "git" and deps["corp"].source_kind == "registry"
    assert "shared" not in deps
    assert deps["libc"].line == 8


def test_terraform_modules_and_legacy_providers() -> None:
    text = (
        'terraform {\n  required_providers {\n    random = "~> 3.0"\n'
        '    corp = { source = "tf.corp.example/acme/corp" }\n  }\n}\n'
        'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.1.0"\n}\n'
        'module "git" {\n  source = "git::https://example.com/m.git?ref=v1"\n}\n'
        'module "local" {\n  source = "./modules/x"\n}\n'
        'locals {\n  s = "${var.a}-${lookup(var.m, "k", "d")}"\n  h = <<EOT\n}\nEOT\n}\n'
    )
    parsed = parse_manifest("main.tf", text)
    deps = by_name(parsed)
    assert deps["hashicorp/random"].spec == "~> 3.0"
    assert deps["acme/corp"].source_kind == "registry"
    assert deps["terraform-aws-modules/vpc/aws"].spec == "5.1.0"
    assert deps["git::https://example.com/m.git?ref=v1"].source_kind == "git"
    assert "./modules/x" not in deps


def test_manifest_kinds() -> None:
    for path in ["requirements.txt", "requirements-dev.txt", "constraints.txt", "a/pyproject.toml",
                 "setup.cfg", "setup.py", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock",
                 "package.json", "web/package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.mod",
                 "go.sum", "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle.kts",
                 "gradle/libs.versions.toml", "Cargo.toml", "Cargo.lock", "Gemfile",
                 "Gemfile.lock", "x.gemspec", ".terraform.lock.hcl", "infra/versions.tf"]:
        assert is_manifest(path), path
    for path in ["README.md", "src/app.py", "package.jsonx", "requirements.md"]:
        assert not is_manifest(path), path
    assert manifest_kind("requirements/base.txt") == "requirements"


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "text", "line"), [
    ("package.json", '{"dependencies": {"a": "1",\n  "b": }', 2),
    ("pyproject.toml", "[project]\ndependencies = [\n  'a',\n  b\n]\n", 4),
    ("Cargo.toml", "[dependencies]\nserde = \n", 2),
    ("pom.xml", "<project>\n<dependencies>\n<dependency>\n</project>", 4),
    ("setup.py", "from setuptools import setup\nsetup(install_requires=['a',\n", 2),
    ("go.mod", "module m\nrequire (\n  a/b\n)\n", 3),
    ("pnpm-lock.yaml", "packages:\n  - [\n", 3),
    ("requirements.txt", "ok==1\nbad ==\n", 2),
])
def test_malformed_manifests_report_a_line_and_never_raise(path: str, text: str, line: int) -> None:
    parsed = parse_manifest(path, text)
    assert parsed.problems, path
    assert parsed.problems[0].line == line, parsed.problems


def test_requirements_keep_good_lines_around_a_bad_one() -> None:
    parsed = parse_manifest("requirements.txt", "flask==3.0\nbad ==\nrequests\n")
    assert [d.name for d in parsed.dependencies] == ["flask", "requests"]
    assert [p.line for p in parsed.problems] == [2]


def test_pom_doctype_and_entities_are_refused() -> None:
    billion = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        "<project><dependencies><dependency><groupId>&lol2;</groupId>"
        "<artifactId>a</artifactId></dependency></dependencies></project>"
    )
    parsed = parse_manifest("pom.xml", billion)
    assert parsed.dependencies == ()
    assert "DOCTYPE" in parsed.problems[0].message
    external = ('<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                "<project>&x;</project>")
    assert "DOCTYPE" in parse_manifest("pom.xml", external).problems[0].message


def test_size_cap_and_entry_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    big = "a" * (common.MAX_MANIFEST_BYTES + 1)
    parsed = parse_manifest("requirements.txt", big)
    assert parsed.truncated and "limit" in parsed.problems[0].message
    monkeypatch.setattr(common, "MAX_ENTRIES", 100)
    lines = "\n".join(f"pkg{i}==1.0" for i in range(500))
    parsed = parse_manifest("requirements.txt", lines)
    assert len(parsed.dependencies) == 100 and parsed.truncated


def test_huge_lockfile_in_bounded_time() -> None:
    """A 20,000-package package-lock.json (about 4 MB) parses well under a second here; the
    size cap (MAX_LOCKFILE_BYTES) bounds the worst case. Timed loosely: a regression guard, the
    measurement itself is in benchmarks/bench_deps.py."""
    entries = ",\n".join(
        f'    "node_modules/pkg-{i}": {{"version": "1.0.{i}", '
        f'"resolved": "https://registry.npmjs.org/pkg-{i}/-/pkg-{i}-1.0.{i}.tgz"}}'
        for i in range(20_000))
    text = '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {},\n' + entries + "\n  }\n}\n"
    start = time.perf_counter()
    parsed = parse_manifest("package-lock.json", text)
    elapsed = time.perf_counter() - start
    assert len(parsed.dependencies) == 20_000
    assert parsed.dependencies[-1].line == text.count("\n") - 2
    assert elapsed < 10, elapsed


def test_gradle_tokenizer_is_bounded() -> None:
    text = "dependencies {\n" + "implementation 'g:a:1'\n" * 10 + "(" * 200_000
    parsed = parse_manifest("build.gradle", text)
    assert len(parsed.dependencies) == 10


@pytest.mark.parametrize("name", ["package.json", "package-lock.json", "Pipfile.lock"])
def test_json_manifests_say_what_is_wrong(name: str) -> None:
    """Every JSON manifest reads through one loader: a hostile nesting depth is named as such
    (Pipfile.lock used to fall through to a generic "could not be parsed (RecursionError)")."""
    deep = parse_manifest(name, "[" * 100_000 + "]" * 100_000)
    assert [p.message for p in deep.problems] == ["invalid JSON: nested too deeply"]
    array = parse_manifest(name, "[]")
    assert [p.message for p in array.problems] == [f"{name} should hold a JSON object"]
    broken = parse_manifest(name, '{\n  "a": ,\n}')
    assert broken.problems[0].line == 2 and broken.problems[0].message.startswith("invalid JSON")
