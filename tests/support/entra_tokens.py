"""Credentials for the server tests and the bench: an API key and Entra ID-shaped tokens signed by a key made here."""

from __future__ import annotations

import json
import time
import uuid

API_KEY = "test-key-" + "k" * 32
TENANT = "11111111-2222-3333-4444-555555555555"
AUDIENCE = "api://riskreg.test/66666666-7777-8888-9999-000000000000"
MAX_BODY_MB = 8


class Tokens:
    """Sign access tokens shaped like Microsoft Entra ID's v2.0 tokens with a key made for this test run."""

    def __init__(self):
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"

    def jwks(self) -> dict:
        from jwt.algorithms import RSAAlgorithm

        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def token(self, roles=(), *, audience=AUDIENCE, tenant=TENANT, expires_in=600, key=None, claims=None,
              kid=None) -> str:
        """Return a bearer token; `claims` replace or add claims (None values are sent as null), `kid` the key id."""
        import jwt

        now = int(time.time())
        signed = {"aud": audience, "iss": f"https://login.microsoftonline.com/{tenant}/v2.0", "tid": tenant,
                  "oid": str(uuid.uuid4()), "preferred_username": "risk.manager@force.example", "roles": list(roles),
                  "iat": now - 10, "nbf": now - 10, "exp": now + expires_in, **(claims or {})}
        return "Bearer " + jwt.encode(signed, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})
