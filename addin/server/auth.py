"""Who is calling: a Microsoft Entra ID access token (checked against tenant, audience and signing key) or the API key."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from addin.server.config import ROLES, ServerConfig

ENTRA = "https://login.microsoftonline.com"


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


class Authenticator:
    """Check the Authorization header of each request against the configured credentials."""

    def __init__(self, config: ServerConfig):
        self.config = config
        self._jwk_client = None
        if config.tenant_id and config.jwks is None:
            import jwt

            self._jwk_client = jwt.PyJWKClient(f"{ENTRA}/{config.tenant_id}/discovery/v2.0/keys", cache_keys=True,
                                               lifespan=3600, timeout=10)

    def user(self, header: str | None) -> User:
        """Return the caller named by `header`; raise Unauthorized with a one-line reason."""
        token = (header or "").strip()
        scheme, _, rest = token.partition(" ")
        if scheme.lower() == "bearer":
            token = rest.strip()
        if not token:
            raise Unauthorized("No credentials: sign in to the Risk Register add-in (Microsoft 365) or set the "
                               "server's API key in the add-in's settings.")
        if self.config.api_key and hmac.compare_digest(token.encode(), self.config.api_key.encode()):
            return User("api-key", "API key user", self.config.api_key_roles)
        if token.count(".") == 2 and self.config.tenant_id:
            return self._entra_user(token)
        raise Unauthorized("The credentials were not accepted: check the API key in the add-in's settings, or sign "
                           "in again.")

    def _signing_key(self, token: str):
        import jwt

        if self._jwk_client is not None:
            return self._jwk_client.get_signing_key_from_jwt(token).key
        kid = jwt.get_unverified_header(token).get("kid")
        for key in jwt.PyJWKSet.from_dict(self.config.jwks).keys:
            if key.key_id == kid:
                return key.key
        raise jwt.InvalidTokenError("no such key")

    def _entra_user(self, token: str) -> User:
        import jwt

        tenant = self.config.tenant_id
        try:
            claims = jwt.decode(token, self._signing_key(token), algorithms=["RS256"],
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
        roles = tuple(r for r in claims.get("roles", ()) if r in ROLES)
        return User(str(claims.get("oid") or claims.get("sub")),
                    str(claims.get("preferred_username") or claims.get("name") or "signed-in user"), roles)
