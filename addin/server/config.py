"""What the server is told by its environment: who may call it, how big a request may be, where it is reached."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

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
        try:
            max_body = int(float(env.get("RISKREG_MAX_BODY_MB", DEFAULT_MAX_BODY_MB)) * 1024 * 1024)
        except ValueError:
            raise ServerConfigError("RISKREG_MAX_BODY_MB must be a number of megabytes, e.g. 32.") from None
        if not os.environ.get("XLWINGS_LICENSE_KEY") and not env.get("XLWINGS_LICENSE_KEY"):
            raise ServerConfigError("xlwings' remote engine needs a licence key: set XLWINGS_LICENSE_KEY (a "
                                    "commercial key, or 'noncommercial' where the PolyForm Noncommercial licence "
                                    "covers you: see the README, 'Licence').")
        return cls(api_key, roles, tenant, audience, jwks, max_body, (env.get("RISKREG_PUBLIC_URL") or "").rstrip("/")
                   or None, env.get("RISKREG_ENTRA_CLIENT_ID") or None)
