"""What the server is told by its environment: who may call it, how big a request may be, where it is reached."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from addin.server.limits import (
    DEFAULT_MAX_CELLS,
    DEFAULT_MAX_FINDINGS,
    DEFAULT_MAX_ROWS,
    DEFAULT_PAPER_TIME_LIMIT_S,
    DEFAULT_TIME_LIMIT_S,
    Limits,
)
from workbook.core.errors import RiskregError

# Entra ID app roles (Azure portal › App registrations › App roles) that unlock the two buttons that change the
# register's record or publish it; every authenticated user may Validate, Refresh trends and start a New register.
ROLL_ROLE = "RiskRegister.RollQuarter"
PAPER_ROLE = "RiskRegister.BuildPaper"
ROLES = (ROLL_ROLE, PAPER_ROLE)

DEFAULT_MAX_BODY_MB = 32  # a 1,000-risk register with History is about 2 MB of JSON; 10,000 about 20 MB


class ServerConfigError(RiskregError):
    """The server's environment is missing or contradicts a setting."""


@dataclass(frozen=True)
class ServerConfig:
    """The server's settings (read from RISKREG_* environment variables by `from_environment`)."""

    api_key: str | None = None
    api_key_roles: tuple[str, ...] = ()
    tenant_id: str | None = None
    audience: tuple[str, ...] = ()
    jwks: dict | None = field(default=None, compare=False)  # signing keys given offline; else fetched from Entra
    max_body: int = DEFAULT_MAX_BODY_MB * 1024 * 1024
    public_url: str | None = None
    client_id: str | None = None
    limits: Limits = Limits()
    body_timeout: float = 30.0  # seconds for the whole body to arrive
    uploads_per_client: int = 4  # requests one caller may have in progress at once
    concurrency: int = 1  # scripts running at once per worker (Python runs one at a time anyway)
    queue: int = 64  # requests waiting per worker beyond those running; more get 503
    paper_concurrency: int = 1  # papers (and their PDF) being built at once per worker
    paper_queue: int = 2
    scratch_dir: Path | None = None
    jwks_negative_ttl: float = 300.0  # seconds an unknown key id is remembered as unknown
    jwks_url: str | None = None  # Entra's key set (default: the tenant's discovery keys); a national cloud's

    @classmethod
    def from_environment(cls, environ=None) -> ServerConfig:
        """Return the settings in `environ` (default os.environ); raise ServerConfigError naming the variable."""
        env = os.environ if environ is None else environ
        api_key = env.get("RISKREG_API_KEY") or None
        if api_key is not None and len(api_key) < 24:
            raise ServerConfigError("RISKREG_API_KEY is shorter than 24 characters: use a long random key, e.g. "
                                    "the output of `python -c \"import secrets; print(secrets.token_urlsafe(32))\"`.")
        roles = tuple(r.strip() for r in env.get("RISKREG_API_KEY_ROLES", "").split(",") if r.strip())
        unknown = sorted(set(roles) - set(ROLES))
        if unknown:
            raise ServerConfigError(f"RISKREG_API_KEY_ROLES: unknown role {unknown[0]!r}; the roles are "
                                    f"{', '.join(ROLES)}.")
        tenant = env.get("RISKREG_ENTRA_TENANT_ID") or None
        audience = tuple(a.strip() for a in env.get("RISKREG_ENTRA_AUDIENCE", "").split(",") if a.strip())
        if tenant and not audience:
            raise ServerConfigError("RISKREG_ENTRA_TENANT_ID is set but RISKREG_ENTRA_AUDIENCE is not: set it to the "
                                    "add-in's Application ID URI (api://…) or client id.")
        if not api_key and not tenant:
            raise ServerConfigError("the server would accept no one: set RISKREG_ENTRA_TENANT_ID and "
                                    "RISKREG_ENTRA_AUDIENCE (Microsoft Entra ID), or RISKREG_API_KEY, or both.")
        jwks = None
        if env.get("RISKREG_ENTRA_JWKS_FILE"):
            path = Path(env["RISKREG_ENTRA_JWKS_FILE"])
            try:
                jwks = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                raise ServerConfigError(f"RISKREG_ENTRA_JWKS_FILE {path}: cannot read a JSON key set "
                                        f"({type(err).__name__}).") from None
        max_body = int(number(env, "RISKREG_MAX_BODY_MB", DEFAULT_MAX_BODY_MB, "a number of megabytes, e.g. 32",
                              most=4096) * 1024 * 1024)
        public_url = (env.get("RISKREG_PUBLIC_URL") or "").rstrip("/") or None
        if public_url is not None:
            parts = urlsplit(public_url)
            if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
                raise ServerConfigError(f"RISKREG_PUBLIC_URL {public_url[:80]!r} is not the address users reach the "
                                        "server at: give it as https://riskreg.example.org (Office requires https).")
        limits = Limits(whole(env, "RISKREG_MAX_ROWS", DEFAULT_MAX_ROWS),
                        whole(env, "RISKREG_MAX_CELLS", DEFAULT_MAX_CELLS),
                        whole(env, "RISKREG_MAX_FINDINGS", DEFAULT_MAX_FINDINGS),
                        number(env, "RISKREG_TIME_LIMIT_S", DEFAULT_TIME_LIMIT_S, "a number of seconds, e.g. 120",
                               most=3600),
                        number(env, "RISKREG_PAPER_TIME_LIMIT_S", DEFAULT_PAPER_TIME_LIMIT_S,
                               "a number of seconds, e.g. 600", most=7200))
        scratch = env.get("RISKREG_SCRATCH_DIR") or None
        jwks_url = env.get("RISKREG_ENTRA_JWKS_URL") or None
        if jwks_url is not None and urlsplit(jwks_url).scheme not in ("https", "http"):
            raise ServerConfigError("RISKREG_ENTRA_JWKS_URL must be an https:// address of a JSON key set.")
        if not os.environ.get("XLWINGS_LICENSE_KEY") and not env.get("XLWINGS_LICENSE_KEY"):
            raise ServerConfigError("xlwings' remote engine needs a licence key: set XLWINGS_LICENSE_KEY (a "
                                    "commercial key, or 'noncommercial' where the PolyForm Noncommercial licence "
                                    "covers you: see the README, 'Licence').")
        return cls(api_key, roles, tenant, audience, jwks, max_body, public_url,
                   env.get("RISKREG_ENTRA_CLIENT_ID") or None,
                   limits, number(env, "RISKREG_BODY_TIMEOUT_S", 30, "a number of seconds, e.g. 30", most=3600),
                   whole(env, "RISKREG_UPLOADS_PER_CLIENT", 4), whole(env, "RISKREG_CONCURRENCY", 1, most=64),
                   whole(env, "RISKREG_QUEUE", 64, least=0), whole(env, "RISKREG_PAPER_CONCURRENCY", 1, most=16),
                   whole(env, "RISKREG_PAPER_QUEUE", 2, least=0), Path(scratch) if scratch else None,
                   number(env, "RISKREG_ENTRA_UNKNOWN_KEY_S", 300, "a number of seconds, e.g. 300", most=86_400),
                   jwks_url)


def number(env: Mapping[str, str], name: str, default: float, what: str, most: float) -> float:
    """Return setting `name` as a finite number above 0 and at most `most`; raise ServerConfigError naming it."""
    text = env.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= most):
        raise ServerConfigError(f"{name} must be {what} (above 0, at most {most:g}); found {text[:40]!r}.")
    return value


def whole(env: Mapping[str, str], name: str, default: int, *, least: int = 1, most: int = 100_000_000) -> int:
    """Return setting `name` as a whole number from `least` to `most`; raise ServerConfigError naming it."""
    text = env.get(name)
    if text is None or not text.strip():
        return default
    if not text.strip().isdecimal() or not least <= int(text) <= most:
        raise ServerConfigError(f"{name} must be a whole number from {least:,} to {most:,}; found {text[:40]!r}.")
    return int(text)
