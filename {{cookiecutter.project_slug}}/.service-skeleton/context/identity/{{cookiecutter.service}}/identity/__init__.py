"""Identity: who people are, and the tokens that prove it to every other service.

Access tokens are short-lived RS256 JWTs; every service checks them against
the public keys this service publishes (/.well-known/jwks.json), without
calling it. Refresh tokens are long-lived, single-use and revocable: each use
returns a new one, and using a spent one again revokes the whole login.
"""
