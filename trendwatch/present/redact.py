"""One rule for showing URLs and error messages without the secrets inside them.

Database URLs carry passwords (``postgresql://u:s3cret@host/db``), webhook URLs carry
tokens in their userinfo, query (``?token=…``) or path (Slack, Discord), and driver
errors quote them back. Everything shown or logged passes through here: the check-config
summary, dashboard banners, ``trendwatch status``, logs and the errors recorded on
sources and deliveries.

Regular expressions do the work rather than a URL parser, because the URLs that need it
most are the malformed ones (``https://u:pw@[bad/hook`` makes ``urlsplit`` raise) and
because a secret inside free text has no parser at all. Over-redacting is the safe side.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MASK = "***"

# names of query/DSN parameters whose value is a secret: password=, api_key=, access_token= …
_SECRET_NAME = r"[\w.\-]*(?:passw(?:or)?d|pwd|token|key|secret|signature|sig|auth)"
_SECRET_PARAM = re.compile(rf"(?i)(?<![\w.\-])({_SECRET_NAME})(\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s&#;,'\"]+)")
# scheme://userinfo@ — userinfo may not contain "/", so this cannot reach into a path such
# as Mastodon's https://instance/@alice; greedy up to the last "@" of the authority
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^\s/?#]*)@")
# a password with an unencoded "/", "?" or "#" (a malformed URL): user:pa/ss@host
_LOOSE_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^\s/@:]*):(?!\d+/)([^\s@]+)@(?=[\w\[])")
# webhook URLs whose path is the credential
_SECRET_PATHS = re.compile(
    r"(?i)(hooks\.slack\.com/(?:services|workflows|triggers)/|discord(?:app)?\.com/api/webhooks/"
    r"|outlook\.office(?:365)?\.com/webhook/|webhook\.office\.com/webhook[^/\s]*/)([^\s'\"<>)]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic|token)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)")


def _userinfo(match: re.Match[str]) -> str:
    scheme, userinfo = match.group(1), match.group(2)
    if ":" in userinfo:  # user:password → the user stays readable, the password goes
        return f"{scheme}{userinfo.split(':', 1)[0]}:{MASK}@"
    # a bare userinfo is often the token itself (https://TOKEN@host)
    return f"{scheme}{MASK}@" if userinfo else match.group(0)


def redact_text(text: str | None) -> str:
    """``text`` with every URL credential, secret parameter and bearer token masked."""
    if not text:
        return "" if text is None else text
    out = _LOOSE_USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}:{MASK}@", str(text))
    out = _USERINFO.sub(_userinfo, out)
    out = _SECRET_PATHS.sub(lambda m: m.group(1) + MASK, out)
    out = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", out)
    return _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", out)


def redact_url(url: str | None) -> str:
    """One URL as it may be shown: no password, token or secret path (malformed ones too)."""
    return redact_text(url)


def url_origin(url: str | None) -> str:
    """Only where a URL points (``https://host:port/…``), for URLs whose whole path is a
    secret (webhooks); no userinfo, whatever shape the URL has."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
        port = parts.port  # raises ValueError for a port that is no number
    except ValueError:
        parts, host, port = None, None, None
    if parts is not None and parts.scheme and host:
        shown_host = f"[{host}]" if ":" in host else host
        return f"{parts.scheme}://{shown_host}{f':{port}' if port else ''}/…"
    # unparsable: keep the scheme and the part after the last "@" of the authority, if any
    match = re.match(r"(?i)([a-z][a-z0-9+.\-]*://)?([^/?#\s]*)", text)
    scheme, authority = (match.group(1) or "", match.group(2)) if match else ("", "")
    authority = authority.rsplit("@", 1)[-1]
    return redact_text(f"{scheme}{authority}/…") if authority else "(an unreadable URL)"
