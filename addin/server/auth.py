"""Who is calling: a Microsoft Entra ID access token (checked against tenant, audience and signing key) or the API key."""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from addin.server.config import ROLES, ServerConfig

ENTRA = "https://login.microsoftonline.com"
API_KEY_USER = "api-key"  # the id of whoever presents the API key: one for all of them


class Unauthorized(Exception):
    """The request carries no credential the server accepts (401); the message is one line for the user."""


@dataclass(frozen=True)
class User:
    """The caller, as xlwings' script decorator checks roles: `name`, `roles`, `has_required_roles`."""

    id: str
    name: str
    roles: tuple[str, ...]

    async def has_required_roles(self, required_roles) -> bool:
        return set(required_roles or ()).issubset(self.roles)


MAX_AGE = re.compile(r"max-age=(\d+)")
DEFAULT_KEYS_TTL = 3600.0  # seconds, when Entra's answer has no Cache-Control max-age
REFETCH_EVERY = 60.0  # seconds: at most one fetch for unknown key ids per minute, whoever sends them
FETCH_TIMEOUT = 10.0


class KeySet:
    """Entra's signing keys, fetched off the event loop, kept as long as its Cache-Control says.

    A token naming an unknown key id makes at most one fetch a minute (keys do rotate), shared by every request
    waiting on it; an id still unknown after a fetch is remembered as unknown for `negative_ttl` seconds, so forged
    tokens cost other users nothing.
    """

    def __init__(self, url: str, negative_ttl: float, fetch: Callable[[str], tuple[dict, float]] | None = None):
        self.url, self.negative_ttl = url, negative_ttl
        self._fetch = fetch or fetch_keys
        self.keys: dict[str, object] = {}
        self.expires = self.fetched = 0.0
        self.unknown: dict[str, float] = {}  # kid -> until when it is known to be unknown
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None):
        """Return the signing key `kid`; raise LookupError when Entra has none of that id."""
        now = time.monotonic()
        if kid in self.keys and now < self.expires:
            return self.keys[kid]
        if self.unknown.get(kid or "", 0) > now:
            raise LookupError(kid)
        async with self._lock:
            now = time.monotonic()
            stale = now >= self.expires
            if (stale or kid not in self.keys) and (stale or now - self.fetched >= REFETCH_EVERY):
                await self._refresh()
        if kid in self.keys:
            return self.keys[kid]
        if len(self.unknown) > 10_000:
            self.unknown.clear()
        self.unknown[kid or ""] = time.monotonic() + self.negative_ttl
        raise LookupError(kid)

    async def _refresh(self) -> None:
        import jwt

        self.fetched = time.monotonic()
        try:
            data, ttl = await asyncio.to_thread(self._fetch, self.url)  # never on the event loop
            keys = {str(key.key_id): key.key for key in jwt.PyJWKSet.from_dict(data).keys if key.key_id}
        except Exception:  # Entra unreachable or answering nonsense: keep the keys we have, try again in a minute
            return
        self.keys, self.expires, self.unknown = keys, self.fetched + ttl, {}


def fetch_keys(url: str) -> tuple[dict, float]:
    """Return Entra's key set at `url` and how many seconds it may be kept (its Cache-Control max-age)."""
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (a configured https URL)
        data = json.loads(response.read(1024 * 1024))
        found = MAX_AGE.search(response.headers.get("Cache-Control") or "")
    return data, min(float(found.group(1)), 86_400.0) if found else DEFAULT_KEYS_TTL


class Authenticator:
    """Check the Authorization header of each request against the configured credentials."""

    def __init__(self, config: ServerConfig):
        self.config = config
        self._keys = None
        if config.tenant_id and config.jwks is None:
            url = config.jwks_url or f"{ENTRA}/{config.tenant_id}/discovery/v2.0/keys"
            self._keys = KeySet(url, config.jwks_negative_ttl)

    async def user(self, header: str | None) -> User:
        """Return the caller named by `header`; raise Unauthorized with a one-line reason."""
        token = (header or "").strip()
        scheme, _, rest = token.partition(" ")
        if scheme.lower() == "bearer":
            token = rest.strip()
        if not token:
            raise Unauthorized("No credentials: sign in to the Risk Register add-in (Microsoft 365) or set the "
                               "server's API key in the add-in's settings.")
        if self.config.api_key and hmac.compare_digest(token.encode(), self.config.api_key.encode()):
            return User(API_KEY_USER, "API key user", self.config.api_key_roles)
        if token.count(".") == 2 and self.config.tenant_id:
            return await self._entra_user(token)
        raise Unauthorized("The credentials were not accepted: check the API key in the add-in's settings, or sign "
                           "in again.")

    async def _signing_key(self, token: str):
        import jwt

        kid = jwt.get_unverified_header(token).get("kid")
        if not isinstance(kid, str):
            raise jwt.InvalidTokenError("no key id")
        if self._keys is not None:
            try:
                return await self._keys.key(kid)
            except LookupError:
                raise jwt.InvalidTokenError("no such key") from None
        for key in jwt.PyJWKSet.from_dict(self.config.jwks or {}).keys:
            if key.key_id == kid:
                return key.key
        raise jwt.InvalidTokenError("no such key")

    async def _entra_user(self, token: str) -> User:
        import jwt

        tenant = self.config.tenant_id
        try:
            claims = jwt.decode(token, await self._signing_key(token), algorithms=["RS256"],
                                audience=list(self.config.audience),
                                issuer=[f"{ENTRA}/{tenant}/v2.0", f"https://sts.windows.net/{tenant}/"],
                                options={"require": ["exp", "iss", "aud"]}, leeway=60)
        except jwt.ExpiredSignatureError:
            raise Unauthorized("Your sign-in has expired: close and reopen the Risk Register task pane.") from None
        except jwt.InvalidAudienceError:
            raise Unauthorized("The sign-in token is for another application, not this Risk Register server.") \
                from None
        except jwt.InvalidIssuerError:
            raise Unauthorized("The sign-in token is from another organisation (Microsoft Entra tenant).") from None
        except (jwt.PyJWTError, ValueError):
            raise Unauthorized("The sign-in token is not valid: sign in again.") from None
        if claims.get("tid") not in (None, tenant):
            raise Unauthorized("The sign-in token is from another organisation (Microsoft Entra tenant).")
        listed = claims.get("roles")
        roles = tuple(r for r in listed if isinstance(r, str) and r in ROLES) if isinstance(listed, list) else ()
        user_id = next((v for v in (claims.get("oid"), claims.get("sub")) if isinstance(v, str) and v), None)
        if user_id is None:
            raise Unauthorized("The sign-in token names no user: sign in again.")
        name = next((v for v in (claims.get("preferred_username"), claims.get("name")) if isinstance(v, str) and v),
                    "signed-in user")
        return User(user_id[:100], name[:200], roles)
