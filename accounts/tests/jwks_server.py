"""A JWKS endpoint on loopback, as Better Auth's jwt plugin serves its public keys."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


class JWKSServer:
    """A loopback JWKS endpoint serving real Ed25519 public keys, counting its fetches."""

    def __init__(self) -> None:
        self.private_keys: dict[str, Ed25519PrivateKey] = {}
        self.fetches = 0
        self.failing = False
        self.add_key("key-1")
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/auth/jwks"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def add_key(self, kid: str) -> None:
        self.private_keys[kid] = Ed25519PrivateKey.generate()

    def jwks(self) -> dict:
        keys = []
        for kid, private_key in self.private_keys.items():
            jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private_key.public_key()))
            keys.append({**jwk, "kid": kid, "alg": "EdDSA"})
        return {"keys": keys}

    def public_key_bytes(self, kid: str = "key-1") -> bytes:
        from cryptography.hazmat.primitives import serialization

        return (
            self.private_keys[kid]
            .public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )

    def sign(self, claims: dict, kid: str = "key-1", private_key: Ed25519PrivateKey | None = None) -> str:
        return jwt.encode(claims, private_key or self.private_keys[kid], algorithm="EdDSA", headers={"kid": kid})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.fetches += 1
                if server.failing:
                    self.send_response(503)
                    self.end_headers()
                    return
                body = json.dumps(server.jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
