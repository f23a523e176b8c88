"""Preloaded into a GovStack behave (Python) compliance suite: Python imports `sitecustomize`
from PYTHONPATH at start-up. The Python counterpart of redirect.ts, with the same setting.

GOVSTACK_COMPLIANCE_REDIRECT holds `from=to` pairs separated by commas: `from` is the
`host:port` the suite calls (any scheme), `to` the base URL of the building block under test.
Every request the suite sends through `requests` (the HTTP client of GovStack's behave suites)
to `from` goes to `to` instead, with `to`'s scheme and path prefix, so a suite that hard-codes
`https://` reaches a plain-HTTP Service. No line of the suite is edited.
"""
import os
import sys
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_redirects(spec):
    """`from=to,...` -> {"host:port": (scheme, "host:port", path prefix)}; ValueError when malformed."""
    table = {}
    for pair in (p.strip() for p in spec.split(",")):
        if not pair:
            continue
        source, sep, target = pair.partition("=")
        if not sep or not source:
            raise ValueError(f'GOVSTACK_COMPLIANCE_REDIRECT: "{pair}" is not from=to')
        to = urlsplit(target)
        if to.scheme not in _DEFAULT_PORTS or not to.hostname:
            raise ValueError(f"GOVSTACK_COMPLIANCE_REDIRECT: {target} is not an http(s) URL")
        port = to.port or _DEFAULT_PORTS[to.scheme]
        table[source.lower()] = (to.scheme, f"{to.hostname}:{port}", to.path.rstrip("/"))
    return table


def rewrite(table, url):
    """The URL the request goes to: `url` itself unless its host:port is redirected."""
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    key = f"{parts.hostname.lower()}:{parts.port or _DEFAULT_PORTS[parts.scheme]}"
    target = table.get(key)
    if target is None:
        return url
    scheme, netloc, prefix = target
    return urlunsplit((scheme, netloc, prefix + (parts.path or "/"), parts.query, parts.fragment))


def install(table):
    """Wraps `requests.Session.request`, through which every `requests` call goes."""
    try:
        import requests.sessions
    except ImportError:
        sys.stderr.write("sitecustomize: requests is not installed; nothing redirected\n")
        return
    original = requests.sessions.Session.request

    def request(self, method, url, *args, **kwargs):
        return original(self, method, rewrite(table, str(url)), *args, **kwargs)

    requests.sessions.Session.request = request


_spec = os.environ.get("GOVSTACK_COMPLIANCE_REDIRECT")
if _spec:
    try:
        _table = parse_redirects(_spec)
    except ValueError as error:
        # site.py would print an Exception raised here and go on, unredirected: stop instead.
        sys.stderr.write(f"sitecustomize: {error}\n")
        raise SystemExit(3)
    install(_table)
