#!/usr/bin/env python3
"""A stand-in for Google's OAuth2 token endpoint and Firestore's commit, on
127.0.0.1, for tests/sync/service_account_test.cc.

Prints its port on the first line of stdout, then serves until stdin closes.
Every request is appended to the log file (argv[1]) as one JSON line:
{"path", "authorization", "content_type", "body"}.
- POST /token: {"access_token": "token-N", "expires_in": 3600} (N counts
  from 1), or HTTP 400 when the body has no jwt-bearer assertion.
- POST /v1/...:commit: {} when "Authorization: Bearer token-<any>", else
  HTTP 401 with a Firestore error body. In project "flaky" the first two
  commits are HTTP 503 UNAVAILABLE; in project "broken" every one is.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

log_path = sys.argv[1]
tokens = 0
flaky_commits = 0


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        global tokens, flaky_commits
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        auth = self.headers.get("Authorization", "")
        with open(log_path, "a") as f:
            f.write(json.dumps({"path": self.path, "authorization": auth,
                                "content_type": self.headers.get("Content-Type", ""), "body": body}) + "\n")
        if self.path == "/token":
            if "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" not in body:
                self.reply(400, {"error": "invalid_grant"})
                return
            tokens += 1
            self.reply(200, {"access_token": "token-%d" % tokens, "expires_in": 3600, "token_type": "Bearer"})
        elif self.path.endswith(":commit"):
            busy = {"error": {"code": 503, "message": "try again", "status": "UNAVAILABLE"}}
            if "/projects/flaky/" in self.path:
                flaky_commits += 1
                if flaky_commits <= 2:
                    self.reply(503, busy)
                    return
            if "/projects/broken/" in self.path:
                self.reply(503, busy)
            elif auth.startswith("Bearer token-"):
                self.reply(200, {"writeResults": [], "commitTime": "2026-12-02T00:00:00Z"})
            else:
                self.reply(401, {"error": {"code": 401, "message": "missing credentials", "status": "UNAUTHENTICATED"}})
        else:
            self.reply(404, {"error": {"code": 404, "message": "no such path", "status": "NOT_FOUND"}})


server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()
