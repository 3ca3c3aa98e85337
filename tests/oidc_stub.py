"""A minimal OpenID Connect provider on 127.0.0.1 for the browser test of `st.login`.

It serves discovery, a JWKS, an authorize endpoint that signs in `email` at once (no password) and
a token endpoint that returns an RS256 id_token carrying the nonce Streamlit sent. Test use only.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "annogov-test"
CLIENT_SECRET = "annogov-test-secret"


class OidcStub:
    """Start with `OidcStub(port)`, set `email` to who logs in next, `stop()` when done."""

    def __init__(self, port: int, email: str = "") -> None:
        self.email = email
        self.issuer = f"http://127.0.0.1:{port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "stub"})
        self.codes: dict[str, dict[str, Any]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def secrets_toml(self, redirect_uri: str) -> str:
        """The app's [auth] section pointing at this provider."""
        return (
            "[auth]\n"
            f'redirect_uri = "{redirect_uri}"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\n'
            f'server_metadata_url = "{self.metadata_url}"\n'
        )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "sub": grant["email"], "aud": CLIENT_ID, "iat": now, "exp": now + 600,
            "nonce": grant["nonce"], "email": grant["email"], "email_verified": True, "name": grant["email"],
        }
        return jwt.encode({"alg": "RS256", "kid": "stub"}, claims, self.key)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/.well-known/openid-configuration":
                    self._json({
                        "issuer": stub.issuer,
                        "authorization_endpoint": f"{stub.issuer}/authorize",
                        "token_endpoint": f"{stub.issuer}/token",
                        "jwks_uri": f"{stub.issuer}/jwks",
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "scopes_supported": ["openid", "email", "profile"],
                        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                    })
                elif url.path == "/jwks":
                    self._json({"keys": [stub.key.as_dict(private=False) | {"use": "sig", "alg": "RS256"}]})
                elif url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    stub.codes[code] = {"email": stub.email, "nonce": query.get("nonce", "")}
                    target = query["redirect_uri"] + "?" + urllib.parse.urlencode(
                        {"code": code, "state": query.get("state", "")}
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                grant = stub.codes.pop(form.get("code", ""), None)
                if self.path != "/token" or grant is None:
                    self.send_error(400)
                    return
                self._json({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 600,
                            "id_token": stub._id_token(grant), "scope": "openid email profile"})

        return Handler
