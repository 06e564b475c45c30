"""Internal architecture: private addresses used as hosts, internal host names and URLs."""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .detector import ALNUM, Detector, Hits
from .findings import make_finding, register
from .model import KIND_INTERNAL, WARN, PromptFinding
from .prefilter import Anchor
from .reserved import is_reserved_host, parse_ip

PRIVATE_IP = register("internal.private-ip", KIND_INTERNAL, WARN, "a private network address")
HOSTNAME = register("internal.hostname", KIND_INTERNAL, WARN, "an internal host name")
URL = register("internal.url", KIND_INTERNAL, WARN, "a URL of an internal service")

#: Top-level names reserved or conventionally used for private networks (ICANN reserved
#: `.internal` in 2024; RFC 6762 `.local`; RFC 8375 `.home.arpa`). Only trusted inside URLs,
#: where `settings.local` or `self.corp` cannot be mistaken for a host.
PRIVATE_TLDS = (
    "internal",
    "intranet",
    "corp",
    "lan",
    "local",
    "localdomain",
    "home.arpa",
    "private",
)
#: Labels that mark a name as internal wherever they appear (`api.internal.acme.io`).
INTERNAL_LABELS = frozenset({"internal", "intranet"})
#: Identifiers that start attribute chains in code (`self.internal`, `config.corp.acme.com`).
_CODE_RECEIVERS = frozenset(
    [
        "self",
        "this",
        "cls",
        "obj",
        "ctx",
        "os",
        "sys",
        "config",
        "settings",
        "app",
        "module",
        "exports",
        "window",
        "document",
        "process",
        "env",
        "opts",
        "options",
        "args",
        "kwargs",
        "props",
        "state",
        "super",
    ]
)
_HOST_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-")
#: Words that, shortly before an address on the same line, say it is used as a host.
_HOST_WORDS = frozenset(
    [
        "host",
        "hostname",
        "hosts",
        "server",
        "servers",
        "ip",
        "ips",
        "addr",
        "address",
        "endpoint",
        "connect",
        "connection",
        "ssh",
        "scp",
        "rsync",
        "ping",
        "curl",
        "wget",
        "db",
        "database",
        "redis",
        "mysql",
        "postgres",
        "postgresql",
        "psql",
        "pg",
        "mongo",
        "mongodb",
        "proxy",
        "gateway",
        "gw",
        "upstream",
        "listen",
        "bind",
        "node",
        "broker",
        "brokers",
        "nameserver",
        "dns",
        "dial",
        "url",
        "uri",
        "target",
        "remote",
        "peer",
        "primary",
        "replica",
        "master",
        "slave",
        "vpn",
        "bastion",
        "jump",
        "machine",
        "instance",
        "vm",
        "cluster",
        "kafka",
        "elastic",
        "elasticsearch",
        "api",
        "backend",
        "service",
        "h",
        "nc",
        "telnet",
        "rdp",
        "smb",
        "nfs",
        "ldap",
        "route",
        "via",
        "socket",
        "tcp",
        "udp",
        "http",
        "https",
        "ftp",
        "sftp",
        "smtp",
        "imap",
    ]
)
_LINE_WORDS = re.compile(r"[a-z]+", re.ASCII)
_IMDS = ipaddress.ip_address("169.254.169.254")


@dataclass(frozen=True)
class DomainSpec:
    """One `internal_domains` entry: `corp.acme.com` (it and its subdomains) or `*.internal`."""

    suffix: str
    include_apex: bool

    def matches(self, host: str) -> bool:
        if host.endswith("." + self.suffix):
            return True
        return self.include_apex and host == self.suffix


@lru_cache(maxsize=64)
def parse_domains(patterns: tuple[str, ...]) -> tuple[DomainSpec, ...]:
    specs = []
    for raw in patterns:
        p = raw.strip().lower().rstrip(".")
        if p.startswith("*."):
            specs.append(DomainSpec(p[2:], include_apex=False))
        elif p.startswith("."):
            specs.append(DomainSpec(p[1:], include_apex=False))
        elif p:
            specs.append(DomainSpec(p, include_apex=True))
    return tuple(s for s in specs if s.suffix)


def _private_v4(dotted: str) -> bool | None:
    """RFC 1918 / link-local host address test without `ipaddress` (hot path); None if invalid."""
    parts = dotted.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
        return None
    o = [int(p) for p in parts]
    if any(x > 255 for x in o) or any(len(p) > 1 and p[0] == "0" for p in parts):
        return None
    if o[3] in (0, 255) or dotted == "169.254.169.254" or _textbook_address(*o):
        return False
    a, b = o[0], o[1]
    return (
        a == 10
        or (a == 172 and 16 <= b <= 31)
        or (a == 192 and b == 168)
        or (a == 169 and b == 254)
    )


def _is_internal_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if ip == _IMDS or ip.is_loopback or ip.is_unspecified or ip.is_multicast:
        return False
    if ip.version == 4:
        last = int(ip) & 0xFF
        if last in (0, 255):  # network / broadcast addresses name a range, not a host
            return False
        return ip.is_private or ip.is_link_local
    return ip.is_link_local or ip in ipaddress.ip_network("fc00::/7")


def _textbook_address(a: int, b: int, c: int, d: int) -> bool:
    """The first few hosts of the default private subnets (`10.0.0.1`, `192.168.1.1`,
    `172.16.0.2`): every router, tutorial and log sample uses them, so they tell nothing about
    a real network; `10.42.17.23` still does."""
    return c in (0, 1) and d <= 10 and (a, b) in ((10, 0), (192, 168), (172, 16))


class _HostContext:
    """Answers "is this address used as a host?" for one text, caching host words per line.

    Dense inputs (`host 10.0.0.1 host 10.0.0.2 ...`) would otherwise re-tokenize the same line
    once per address; here each line is tokenized once and each address costs one bisect.
    """

    def __init__(self, text: str, lowered: str) -> None:
        self.text = text
        self.lowered = lowered
        self.lines: dict[int, list[int]] = {}

    def __call__(self, start: int, end: int) -> bool:
        text = self.text
        if end < len(text) and text[end] == ":" and text[end + 1 : end + 2].isdigit():
            return True  # host:port
        if (
            text[max(0, start - 4) : start].endswith(("://", "://["))
            or text[start - 1 : start] == "@"
        ):
            return True
        line_start = text.rfind("\n", 0, start) + 1
        ends = self.lines.get(line_start)
        if ends is None:
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
            ends = [
                m.end()
                for m in _LINE_WORDS.finditer(self.lowered, line_start, line_end)
                if m.group() in _HOST_WORDS
            ]
            self.lines[line_start] = ends
        # A host word that ends within the 48 characters before the address.
        i = bisect.bisect_right(ends, start)
        return i > 0 and ends[i - 1] >= start - 48


_IPV4 = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})", re.ASCII)
_IPV6 = re.compile(r"[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}", re.ASCII)
_IP_LEFT = ALNUM | {".", ":", "_"}


class PrivateIpDetector(Detector):
    """RFC 1918, link-local and IPv6 ULA / link-local addresses used as a host."""

    anchors = (
        Anchor("10.", case_sensitive=True),
        Anchor("172.", case_sensitive=True),
        Anchor("192.168.", case_sensitive=True),
        Anchor("169.254.", case_sensitive=True),
        Anchor("fd"),
        Anchor("fc"),
        Anchor("fe80:"),
    )

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        n = len(text)
        host_context = _HostContext(text, lowered)
        for pos, anchor in hits:
            if pos > 0 and text[pos - 1] in _IP_LEFT:
                continue
            v6 = not anchor.literal[0].isdigit()
            m = (_IPV6 if v6 else _IPV4).match(text, pos)
            if m is None:
                continue
            start, end = m.span()
            candidate = m.group(0)
            if v6:
                candidate = candidate.rstrip(":") if not candidate.endswith("::") else candidate
                end = start + len(candidate)
            if end < n and (text[end] in ALNUM or text[end] == "_"):
                continue
            if not v6 and end + 1 < n and text[end] == "." and text[end + 1].isdigit():
                continue  # 10.1.2.3.4: a version or OID, not an address
            if text[end : end + 1] == "/" and text[end + 1 : end + 2].isdigit():
                continue  # CIDR range
            if v6:
                ip = parse_ip(candidate)
                if ip is None or not _is_internal_ip(ip):
                    continue
                if not host_context(start, end):
                    continue
            else:
                # Cheap octet test first: most dotted numbers after `10.`/`172.` are versions.
                octets = m.groups()
                a, b, c, d = int(octets[0]), int(octets[1]), int(octets[2]), int(octets[3])
                private = (
                    a == 10 or (a == 172 and 16 <= b <= 31) or (a, b) in ((192, 168), (169, 254))
                )
                if not private or c > 255 or d in (0, 255) or d > 255:
                    continue
                if (a, b, c, d) == (169, 254, 169, 254) or any(
                    len(x) > 1 and x[0] == "0" for x in octets
                ):
                    continue
                if _textbook_address(a, b, c, d):
                    continue
                if not host_context(start, end):
                    continue
            yield make_finding(PRIVATE_IP, text, start, end)


class HostnameDetector(Detector):
    """Names under the configured `internal_domains`, outside URLs too."""

    def __init__(self, specs: tuple[DomainSpec, ...]) -> None:
        self.specs = specs
        self.anchors = tuple(dict.fromkeys(Anchor(s.suffix) for s in specs))

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        covered = -1
        n = len(text)
        for pos, _anchor in hits:
            if pos < covered:
                continue
            start = pos
            floor = max(0, pos - 253, covered)
            while start > floor and text[start - 1] in _HOST_CHARS:
                start -= 1
            end = pos
            while end < n and end - start < 300 and text[end] in _HOST_CHARS:
                end += 1
            covered = end
            while start < end and text[start] in ".-":
                start += 1
            while end > start and text[end - 1] in ".-":
                end -= 1
            host = lowered[start:end]
            if not any(spec.matches(host) for spec in self.specs):
                continue
            if host.split(".", 1)[0] in _CODE_RECEIVERS or text[end : end + 1] == "(":
                continue
            yield make_finding(HOSTNAME, text, start, end)


_AUTHORITY = re.compile(
    r"://(?:[^\s/?#@\"'<>]{0,256}@)?(?P<host>\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253})",
    re.ASCII,
)
#: The rest of a URL after its host; matched only once the host is known to be internal.
_URL_REST = re.compile(r"[^\s\"'<>`\])}]{0,2048}", re.ASCII)


def is_internal_host(host: str, specs: Sequence[DomainSpec]) -> bool:
    """Private address, configured internal domain, private-use TLD or an `internal` label."""
    host = host.strip("[]").rstrip(".").lower()
    if not host:
        return False
    if host[0].isdigit() or ":" in host:
        v4 = _private_v4(host) if host.count(".") == 3 and ":" not in host else None
        if v4 is not None:
            return v4
        ip = parse_ip(host)
        if ip is not None:
            return _is_internal_ip(ip)
    if "." not in host or is_reserved_host(host):
        return False
    if any(spec.matches(host) for spec in specs):
        return True
    labels = host.split(".")
    if len(labels) < 2:
        return False
    tld = next((t for t in PRIVATE_TLDS if host.endswith("." + t)), None)
    if tld is not None:
        # `db.internal`, `api.middleware.internal`: the made-up names of every tutorial; a name
        # of the team's own (`billing-ledger.internal`) or a configured domain still counts
        return not all(label in _GENERIC_SERVICE_WORDS for label in host[: -len(tld) - 1].split("."))
    # `api.internal.acme.io`, not `internal.wiki` (a public domain of its own)
    public = len(labels[-1]) == 2 or labels[-1] in _COMMON_TLDS
    return any(label in INTERNAL_LABELS for label in labels[: -2 if public else -1])


#: Public endings common enough that `internal.<tld>` is a site of its own; any two-letter
#: country code counts too. Elsewhere (`internal.acmecorp`) the label still marks a host.
_COMMON_TLDS = frozenset(
    ["com", "net", "org", "io", "dev", "app", "wiki", "cloud", "ai", "info", "biz", "tech", "site", "online", "xyz", "edu", "gov"]
)


#: Host labels that name a kind of service, not a particular one.
_GENERIC_SERVICE_WORDS = frozenset(
    ["db", "database", "api", "app", "web", "www", "redis", "cache", "postgres", "postgresql", "mysql", "mongo", "mongodb", "kafka", "queue", "mq", "auth", "backend", "frontend", "service", "services", "middleware", "gateway", "proxy", "mail", "smtp", "ldap", "vault", "storage", "search", "elastic", "metrics", "logs", "host", "server", "node", "worker", "internal"]
)


class InternalUrlDetector(Detector):
    anchors = (Anchor("://", case_sensitive=True),)

    def __init__(self, specs: tuple[DomainSpec, ...]) -> None:
        self.specs = specs

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        covered = -1
        for pos, _anchor in hits:
            if pos < covered or pos == 0 or not text[pos - 1].isalpha():
                continue
            m = _AUTHORITY.match(text, pos)
            if m is None or not is_internal_host(m.group("host"), self.specs):
                continue
            rest = _URL_REST.match(text, m.end())
            start = pos
            while start > max(0, pos - 16) and (
                text[start - 1].isalnum() or text[start - 1] in "+.-"
            ):
                start -= 1
            end = rest.end() if rest else m.end()
            while end > pos and text[end - 1] in ".,;:!?":
                end -= 1
            covered = end
            yield make_finding(URL, text, start, end)


@lru_cache(maxsize=64)
def internal_detectors(domains: tuple[str, ...]) -> tuple[Detector, ...]:
    specs = parse_domains(domains)
    detectors: list[Detector] = [PrivateIpDetector(), InternalUrlDetector(specs)]
    if specs:
        detectors.append(HostnameDetector(specs))
    return tuple(detectors)
