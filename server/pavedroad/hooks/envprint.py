"""Shell commands that print a credential from the environment into the agent's context.

`echo $OPENAI_API_KEY`, `printenv GITHUB_TOKEN`, `env | grep -i key`, a bare `env` or `export -p`,
`cat /proc/self/environ`: the agent's shell holds the user's keys, and what these print lands in
the transcript the model reads, as the lines of `.env` would. Parsed as a shell parses it (like
`credsearch`): quotes, pipes, wrappers. What stays allowed is what says whether a key is set
without its value: `test -n "$KEY"`, `${#KEY}` (its length), `${KEY:+set}`, `${KEY:0:4}` (a
prefix), `env | cut -d= -f1` (names), `env | grep -c KEY`, `env | grep PATH`.
"""

from __future__ import annotations

import itertools
import os
import re

from pavedroad.hooks.credsearch import parse_search, pipelines, simple_command, without_redirections
from pavedroad.hooks.grepsyntax import line_test
from pavedroad.hooks.shellcmd import ASSIGNMENT, REDIRECT, WRAPPERS, past_wrapper, shell_program
from pavedroad.hooks.treesearch import matches_nearly_every_line
from pavedroad.searchcmd import prints_no_lines

#: Commands that print the whole environment when given no names (`printenv` also prints named
#: variables; `export`, `set`, `declare` list them all; `env` is `_bare_env`).
_DUMPS = frozenset({"printenv", "export", "set", "declare", "typeset"})
#: Commands that print their arguments.
_PRINTERS = frozenset({"echo", "printf", "print"})
#: `$NAME` / `${NAME}` / `${NAME:-x}` / `${NAME-x}` / `${NAME^^}` / `${NAME:0}`: the value (or all
#: of it, changed); `${#NAME}`, `${NAME:+x}` and `${NAME:0:8}` (its length, a word, a prefix of
#: at most 8 characters) are not matched. Another offset is matched: `${K:0:8}${K:8:8}` is all of it.
_EXPANSION = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:\}|:?-|:?=|\^|,|~|@|/|#|%|:(?![ ]*0*[ ]*:[ ]*[0-8][ ]*\}|\+))"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
#: The words of a variable's name that make it a secret's (`OPENAI_API_KEY`, `githubToken`,
#: `DB_PASS`), not `MAX_TOKENS`, `TOKENIZERS_PARALLELISM` or `KEYBOARD`.
_SECRET_WORDS = frozenset({"key", "apikey", "token", "secret", "password", "passwd", "pass", "pwd",
                           "credential", "credentials", "pat", "privatekey"})
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
#: Commands a printed value is piped into that show none of it: a hash, a count, an agent that
#: keeps a key. Others use it only with a flag that reads a secret from stdin (`docker login
#: --password-stdin`, `gh auth login --with-token`); any other subcommand of the same tool may
#: print its input (`docker run -i alpine cat`, `npm run x`, `gpg --store`).
_DIGESTS = frozenset({"sha256sum", "sha1sum", "sha512sum", "md5sum", "shasum", "b2sum", "wc", "ssh-add"})
_STDIN_SECRET_FLAGS = frozenset({"--password-stdin", "--with-token"})
_LOGIN_TOOLS = frozenset({"docker", "podman", "nerdctl", "buildah", "helm", "gh", "skopeo", "crane", "oras",
                          "flyctl", "doctl"})
#: Commands that read a here-string (`<<< "$KEY"`) without printing it.
_SILENT_READERS = frozenset({"read", "mapfile", "readarray"})
#: A redirection target that is the terminal or the output again, in any spelling
#: (`/dev//stdout`, `/proc/self/fd/1`, `../../dev/tty`): only `/dev/null` and files are not shown.
_STREAM = re.compile(r"(?:^|/)(?:dev|proc)(?:/|$)")

#: A search of a dump that would print a secret's line: any fragment of a credential's name
#: (`env | grep -i key` prints every `*_KEY=`).
_SECRET_FRAGMENT = re.compile(r"(?i)key|token|secret|pass|pwd|auth|cred|api|priv|sess|cookie|sig")
#: `/proc/<anything>/environ` in any spelling (`self`, a pid, `$$`, `$(pgrep x)`, `*`, `thread-self`,
#: `task/N`), and `/proc` with the word `environ` elsewhere (`cd /proc/self && cat environ`).
_PROC_ENVIRON_ANYWHERE = re.compile(r"/proc/\S*environ")
_PROC = re.compile(r"/proc\b")
_ENVIRON_WORD = re.compile(r"(?<![.\w])environ\b")
#: A word (quotes removed) that names a process's environment: a basename `environ` (`/proc/self/envi''ron`,
#: `/dev/fd/../environ`, `proc/1/environ`), or under `/proc` a glob of one (`/proc/self/env*`).
_ENVIRON_FILE = re.compile(r"(?:^|/)environ$|/proc/.*(?:^|/)e[a-z]{0,5}[*?\[][^/]*$|(?:^|/)proc/[^/]+/environ")


def _proc_environ_word(word: str) -> bool:
    return ("env" in word or "proc" in word) and _ENVIRON_FILE.search(word) is not None


#: Stages after a dump that print no value: a count, the names (`cut -d= -f1`).
_NAMES_ONLY = re.compile(r"^(?:wc\b|cut\b.*(?:-f\s*1\b|--fields=1\b))")


def environment_prints(command: str, *, process_environment: bool = True) -> tuple[str, ...]:
    """What the command prints of the environment that would carry a credential: "`$NAME`" per
    named variable, "every environment variable" for a dump, the `/proc/.../environ` path read.
    `process_environment`: a search of a dump (`env | grep OPENAI`) is also run on this process's
    own credential-named variables (the agent's, in a hook); a prompt checker passes False, so its
    verdict does not depend on the machine that checks it (well-known names are tested either way)."""
    return tuple(dict.fromkeys(_Scan(process_environment).run(command, 0).printed))


def environment_effects(command: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """One scan of an agent's command, with this process's environment: (what it prints, as
    `environment_prints` says; (what, file) for what it writes of the environment into a file
    rather than the transcript: `env > /tmp/env.txt`, `echo "//npm:_authToken=$NPM_TOKEN" >
    .npmrc`). The file decides, since the assistant may read it next (`decide` allows only a
    file it may not read)."""
    scan = _Scan(True).run(command, 0)
    return tuple(dict.fromkeys(scan.printed)), tuple(dict.fromkeys(scan.written))


class _Scan:
    """One pass over a command: what it prints, and what it writes into files."""

    def __init__(self, process_environment: bool) -> None:
        self.process_environment = process_environment
        self.printed: list[str] = []
        self.written: list[tuple[str, str]] = []

    def run(self, command: str, depth: int) -> _Scan:
        if _PROC_ENVIRON_ANYWHERE.search(command) or (_PROC.search(command) and _ENVIRON_WORD.search(command)):
            # `/proc/self/environ`, `/proc/$(pgrep node)/environ`, `/proc/*/environ`, `cd /proc/1; cat environ`
            self.printed.append("`/proc/.../environ`")
        tracing = False
        for pipeline in pipelines(command):
            for i, words in enumerate(pipeline):
                plain, inputs = simple_command(words)
                if any(_proc_environ_word(w) for w in words):  # `/proc/self/envi''ron`, `/dev/fd/../environ`
                    self.printed.append("`/proc/.../environ`")
                tracing = _tracing(plain, tracing)
                if tracing:  # `set -x`: every later command is printed expanded (on stderr)
                    self.printed.extend(f"`${v}` (traced by `set -x`)" for w in plain for v in _credential_expansions(w))
                code = _inline_code(plain)
                if code is not None and depth < 3:
                    kind, text = code
                    if kind == "shell":  # `bash -c 'echo $KEY'`, `eval "echo $KEY"`, `bash -xc '...'`
                        inner = _Scan(self.process_environment)
                        inner.run(("set -x\n" if _traced_shell(plain) else "") + text, depth + 1)
                        self.printed.extend(inner.printed)
                        self.written.extend(inner.written)
                    else:
                        self.printed.extend(_interpreter_prints(text))
                    continue
                self._stage(words, plain, inputs, pipeline[i + 1:])
        return self

    def _stage(self, words: list[str], plain: list[str], inputs: list[str], after: list[list[str]]) -> None:
        target = _stdout_target(words)
        if _bare_env(words) and not _filtered(after, self.process_environment):
            self._out(["every environment variable"], target, after)  # `simple_command` drops `env` as a wrapper
        if not plain:
            return
        name, args = os.path.basename(plain[0]), plain[1:]
        names = [a for a in args if not a.startswith("-")]
        if name in _PRINTERS:
            self._out([f"`${v}`" for a in args for v in _credential_expansions(a)]
                      + _indirect(args), target, after)
        elif "<<<" in words and name not in _SILENT_READERS and not _consumer(plain):
            self._out([f"`${v}`" for a in words for v in _credential_expansions(a)], target, after)  # `cat <<< "$KEY"`
        elif names and (name == "printenv" or (name in ("declare", "typeset") and any(
                a.startswith("-") and not a.startswith("--") and "p" in a for a in args))):
            self._out([f"`${a}`" for a in names if secret_name(a)], target, after)  # `declare -p OPENAI_API_KEY`
        elif name in _DUMPS and _dumps(name, args) and not _filtered(after, self.process_environment):
            self._out(["every environment variable"], target, after)

    def _out(self, what: list[str], target: str | None, after: list[list[str]]) -> None:
        """Where printed text goes: the transcript, a file (`> f`), or nowhere (`/dev/null`, a
        command that uses it: `| docker login --password-stdin`)."""
        if not what:
            return
        if target is not None:
            if target != "/dev/null":
                self.written.extend((w, target) for w in what)
            return
        if after and _consumer(simple_command(after[0])[0]):
            return
        self.printed.extend(what)


def _stdout_target(words: list[str]) -> str | None:
    """Where the command's standard output ends: a file or `/dev/null` (the last redirection of
    it wins), None for the terminal or a pipe. The shell parse splits `2>/dev/null` into `2` and
    `>`, so a number before `>` names the descriptor; `>|` is `>`; `> >(cat)` is no file."""
    found: str | None = None
    for k, word in enumerate(words):
        m = REDIRECT.match(word)
        if not m or m.group(2) not in (">", ">>"):
            continue
        fd = m.group(1) or (words[k - 1] if k and words[k - 1].isdigit() else "")
        if fd not in ("", "1"):
            continue
        target = m.group(3)
        if target in ("", "|"):
            target = words[k + 1] if k + 1 < len(words) else ""
        is_file = bool(target) and not target.startswith(("&", "(", ">(")) and (
            target == "/dev/null" or not _STREAM.search(target))
        found = target if is_file else None
    return found


#: `set -x`, `set -ex`, `set -o xtrace` turn tracing on; `set +x`, `set +o xtrace` off.
def _tracing(plain: list[str], tracing: bool) -> bool:
    if not plain or os.path.basename(plain[0]) != "set":
        return tracing
    args = plain[1:]
    for k, a in enumerate(args):
        if a in ("-o", "+o") and k + 1 < len(args) and args[k + 1] == "xtrace":
            tracing = a == "-o"
        elif re.fullmatch(r"[-+][a-zA-Z]*x[a-zA-Z]*", a):
            tracing = a[0] == "-"
    return tracing


def _traced_shell(plain: list[str]) -> bool:
    """`bash -x -c '...'`, `sh -xc '...'`: the shell traces every command it runs."""
    options = itertools.takewhile(lambda a: a.startswith(("-", "+")), plain[1:])
    return any(re.fullmatch(r"-[a-zA-Z]*x[a-zA-Z]*", a) for a in options) or "xtrace" in plain


#: `${!NAME}`: the value of the variable whose name NAME holds (`${!prefix*}` lists names only);
#: zsh's `${(P)NAME}` the same.
_INDIRECT = re.compile(r"\$\{(?:!|\(P\))[A-Za-z_][A-Za-z0-9_]*\}")


def _indirect(args: list[str]) -> list[str]:
    """`x=OPENAI_API_KEY; echo ${!x}`, `for v in GH_TOKEN; do echo ${!v}; done`: which variable an
    indirect expansion prints is known only at run time, so it counts as a credential's."""
    return ["an indirect expansion (`${!name}`)"] if any(_INDIRECT.search(a) for a in args) else []


def _consumer(plain: list[str]) -> bool:
    """A command that takes a secret on stdin and shows none of it (see `_DIGESTS`)."""
    if not plain:
        return False
    name = os.path.basename(plain[0])
    if name in _DIGESTS:
        return True
    if name in _LOGIN_TOOLS and "login" in plain[1:3] and any(
            a.split("=", 1)[0] in _STDIN_SECRET_FLAGS for a in plain):
        return True
    return name == "gh" and plain[1:3] == ["secret", "set"] and not any(
        a in ("-b", "--body") or a.startswith("--body=") for a in plain)


#: Interpreters and the option that takes their program text.
_INTERPRETERS = {"python": "-c", "python3": "-c", "python2": "-c", "node": "-e", "nodejs": "-e", "deno": "eval",
                 "bun": "-e", "ruby": "-e", "perl": "-e", "php": "-r", "awk": "", "gawk": "", "mawk": ""}


def _inline_code(plain: list[str]) -> tuple[str, str] | None:
    """("shell" | "program", text) of a command that runs text it is given: `bash -c TEXT`,
    `eval TEXT...`, `python -c TEXT`, `node -e TEXT`, `awk 'PROGRAM'`."""
    if not plain:
        return None
    name = os.path.basename(plain[0])
    args = plain[1:]
    program = shell_program(plain)  # `bash -c TEXT`, `bash -lc TEXT`, `eval TEXT...`
    if program is not None:
        return "shell", program
    option = _INTERPRETERS.get(re.sub(r"[0-9.]+$", "", name) if name.startswith("python") else name)
    if option is None:
        return None
    if option == "":  # awk's program is its first operand
        operands = [a for a in args if not a.startswith("-")]
        return ("program", operands[0]) if operands else None
    for k, a in enumerate(args[:-1]):
        if a == option or (option == "-e" and a in ("-E", "--eval", "-p", "--print")):
            return "program", args[k + 1]
    return None


#: A program printing (`print`, `console.log`, `puts`, `echo`, `say`, `printf`, `p`, `pp`).
_PROGRAM_PRINTS = re.compile(r"\b(?:print|printf|println|console\.(?:log|info|warn|error|dir)|puts|pp?|say|echo|"
                             r"var_dump|print_r|sys\.stdout\.write|process\.stdout\.write)\b|^\s*-p\b")
#: The whole environment printed by a program: `print(os.environ)`, `print(dict(os.environ))`,
#: `console.log(process.env)`, `p ENV`, `puts ENV.to_h`, `print %ENV`, awk's `for (k in ENVIRON)`.
_WHOLE_ENVIRONMENT = re.compile(
    r"\b(?:print|pprint|pp?|puts|say|console\.(?:log|dir|info))\s*\(?\s*(?:dict\(|json\.dumps\(\s*dict\()?"
    r"(?:os\.environ|process\.env|ENV|%ENV)\s*(?:\)|,|$|;|\.items\(\)|\.to_h|\.inspect)"
    r"|\bin\s+ENVIRON\b"
    # iterated or copied whole: `for k, v in os.environ.items()`, `Object.entries(process.env)`,
    # `JSON.stringify(process.env)`, `ENV.each`, `each %ENV`
    r"|os\.environ\.(?:items|values|copy)\(|\bfor\s+\w+(?:\s*,\s*\w+)?\s+in\s+(?:os\.environ|ENV)\b"
    r"|Object\.(?:entries|values|assign)\(\s*(?:\{\s*\}\s*,\s*)?process\.env\b|JSON\.stringify\(\s*process\.env\b"
    r"|\.\.\.\s*process\.env\b|\bENV\.(?:each|each_pair|to_a|to_h|map|select|filter|inspect|values|sort)\b"
    r"|\b(?:each|values)\s*%ENV\b|Dumper\(\s*\\%ENV"
)
#: A variable whose name the program computes: `os.environ[k]`, `os.getenv(name)`, `process.env[k]`,
#: `ENV[k]`, `$ENV{$k}`, `ENVIRON[k]` (in a loop over names, any of them).
_RUN_TIME_NAME = re.compile(
    r"os\.environ\s*\[\s*[A-Za-z_]\w*\s*\]|os\.(?:environ\.get|getenv)\(\s*[A-Za-z_]\w*\s*[,)]"
    r"|process\.env\[\s*[A-Za-z_$][\w$]*\s*\]|\bENV\[\s*[A-Za-z_]\w*\s*\]|\$ENV\{\s*\$\w+\s*\}"
    r"|\bENVIRON\[\s*[A-Za-z_]\w*\s*\]"
)
#: One variable read in a program: `os.environ['K']`, `os.environ.get("K")`, `os.getenv('K')`,
#: `process.env.K`, `process.env["K"]`, `ENV['K']`, `$ENV{K}`, `ENVIRON["K"]`, `getenv("K")`.
_PROGRAM_VARIABLE = re.compile(
    r"""(?:os\.environ(?:\.get)?\s*[\[(]\s*|os\.getenv\(\s*|getenv\(\s*|ENV\s*\[\s*|ENVIRON\s*\[\s*)["']"""
    r"""(?P<quoted>[A-Za-z_][A-Za-z0-9_]*)["']|process\.env(?:\.|\[["'])(?P<js>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|\$ENV\{\s*["']?(?P<perl>[A-Za-z_][A-Za-z0-9_]*)"""
)


def _interpreter_prints(program: str) -> list[str]:
    """What a one-line program prints of the environment: only a program that prints anything
    (`python -c "import os; print(os.environ['OPENAI_API_KEY'])"`, `node -e
    "console.log(process.env)"`, `awk 'BEGIN{print ENVIRON["GH_TOKEN"]}'`); a program that only
    uses a key (`openai.api_key = os.environ[...]`) prints none of it."""
    if _PROGRAM_PRINTS.search(program) is None:
        return []
    found = [f"`${name}`" for m in _PROGRAM_VARIABLE.finditer(program)
             if secret_name(name := m.group("quoted") or m.group("js") or m.group("perl"))]
    if _WHOLE_ENVIRONMENT.search(program):
        found.append("every environment variable")
    elif _RUN_TIME_NAME.search(program):
        found.append("a variable named at run time")
    return found


def _bare_env(words: list[str]) -> bool:
    """`env`, `sudo env`, `env -u X`, `env FOO=1`: env with no command to run prints them all."""
    if not any(w == "env" or w.endswith("/env") for w in words):
        return False  # (most commands: the wrapper walk below is not needed)
    rest = without_redirections(words)[0]  # `env > /tmp/e`, `env 2>/dev/null`: env runs no command `/tmp/e`
    i = 0
    while i < len(rest) and ASSIGNMENT.match(rest[i]):
        i += 1
    while i < len(rest) and os.path.basename(rest[i]) in WRAPPERS and os.path.basename(rest[i]) != "env":
        i = past_wrapper(rest, i)  # `sudo -u root env`, `timeout 5 env`, `nice -n 5 env`
    if i >= len(rest) or os.path.basename(rest[i]) != "env":
        return False
    args = rest[i + 1:]
    j = 0
    while j < len(args):
        a = args[j]
        if a in ("-u", "--unset", "-C", "--chdir", "-S", "--split-string"):
            if a in ("-S", "--split-string"):
                return False  # runs the string's command
            j += 2
            continue
        if not (a.startswith("-") or ASSIGNMENT.match(a)):
            return False  # a command to run
        j += 1
    return True


def _credential_expansions(word: str) -> list[str]:
    out = []
    for m in _EXPANSION.finditer(word):
        variable = m.group("braced") or m.group("bare")
        if secret_name(variable):
            out.append(variable)
    return out


def secret_name(variable: str) -> bool:
    """`OPENAI_API_KEY`, `GITHUB_TOKEN`, `githubToken`, `DB_PASS`: a variable named for a secret
    (one of its words is a secret's), not `MAX_TOKENS` or `TOKENIZERS_PARALLELISM`. Environment
    variables are written with capitals: an all-lower-case name is a script's own variable
    (`for key in ...; echo "Setting $key"`)."""
    if variable in ("PWD", "OLDPWD") or variable.islower():
        return False  # the shell's working directories; a script's own `$key`, `$token` loop variable
    words = [w.lower() for part in variable.split("_") for w in _NAME_WORDS.findall(part)]
    if words and words[-1] in _ABOUT_A_SECRET:
        return False  # `SSH_KEY_PATH`, `DB_PASSWORD_FILE`, `PAT_EXPIRY`: where it is or when it ends
    if words[-1:] == ["auth"] or words[-2:] == ["auth", "header"]:
        return True  # `NPM_AUTH`, `BASIC_AUTH`, `GITHUB_AUTH_HEADER` hold one; `AUTH_URL` does not
    return any(w in _SECRET_WORDS for w in words)


#: Last words of a name that describe a secret without holding it: where it is (`SSH_KEY_PATH`,
#: Docker's `DB_PASSWORD_FILE`), when it ends, its kind or size. Not `ID` (`AWS_ACCESS_KEY_ID`).
_ABOUT_A_SECRET = frozenset({"path", "file", "dir", "expiry", "expires", "expiration", "ttl", "type", "length",
                             "len", "size", "name", "format", "version", "enabled", "region",
                             "timeout", "count", "limit", "algorithm", "alg"})


def _dumps(name: str, args: list[str]) -> bool:
    """`env` / `printenv` / `export -p` / `set` / `declare -x` with nothing to run or name."""
    rest = [a for a in args if not a.startswith("-")]
    if name == "set":
        return not args  # `set -e`, `set -- a b` change options or arguments
    if name in ("declare", "typeset"):
        return not rest and any(a in ("-p", "-x", "-px", "-xp") for a in args)
    if name == "export":
        return not rest and (not args or args == ["-p"])
    return not rest  # printenv


#: Variables agents' environments commonly hold, tested as well when this process lacks them.
_WELL_KNOWN = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN",
               "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "NPM_TOKEN", "HF_TOKEN", "SLACK_BOT_TOKEN",
               "STRIPE_SECRET_KEY", "DATABASE_PASSWORD", "GOOGLE_API_KEY", "AZURE_CLIENT_SECRET")


def _prints_a_secret(tool: str, patterns: list[str], options: list[str], process_environment: bool) -> bool:
    """Whether `env | grep PATTERN` would print a credential's line (`env | grep OPENAI`,
    `env | grep -e PATH -e GITHUB`): the pattern is run on `NAME=value` for every credential-named
    variable of this process's environment (the agent's shell's, which started it), values
    included (`env | grep sk-`), and on well-known names. Nothing of it is shown."""
    test = line_test("rg" if tool == "rg" else "grep", patterns, options)
    lines = [f"{k}={v}" for k, v in os.environ.items() if secret_name(k)] if process_environment else []
    lines.extend(f"{k}=x" for k in _WELL_KNOWN)
    if test.regex is None:
        return True  # a pattern that cannot be run counts as printing
    if test.inverted:
        return any(test.regex.search(line) is None for line in lines)
    return test.regex.search("\n".join(lines)) is not None  # one pass (the regex is multi-line)


def _filtered(after: list[list[str]], process_environment: bool) -> bool:
    """The dump's next stage keeps no value: a count, the names, or a search for a word that is
    not a credential's name (`env | grep PATH`)."""
    if not after:
        return False
    plain, _ = simple_command(after[0])
    if not plain:
        return False
    name, args = os.path.basename(plain[0]), plain[1:]
    if name in ("grep", "egrep", "fgrep", "rg"):
        if prints_no_lines("rg" if name == "rg" else "grep", " ".join(args)):
            return True
        if any(a == "--invert-match" or (a.startswith("-") and not a.startswith("--") and "v" in a) for a in args):
            return False  # `env | grep -v PATH`: everything else
        patterns, _operands, options = parse_search(args, grep=name != "rg")
        if not patterns or _prints_a_secret(name, patterns, options, process_environment):
            return False
        return not any(_SECRET_FRAGMENT.search(p) or matches_nearly_every_line(p) for p in patterns)
    return _NAMES_ONLY.match(" ".join([name, *args])) is not None
