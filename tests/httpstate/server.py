#!/usr/bin/env python3
"""server.py - a small state server speaking Terraform's http backend protocol, for the
backend_http suite (and for Terraform itself in the same suite).  Listens on 127.0.0.1
only.

  GET    /state/NAME            200 + the state, 404 when there is none
  POST   /state/NAME[?ID=lock]  (or PUT) stores the body (Content-MD5 checked when sent); while the
                                state is locked, the lock's ID is required (409 otherwise)
  DELETE /state/NAME            forgets the state
  LOCK   /state/NAME            Terraform's default lock method: body = lock info JSON;
                                200 when free, 423 + the holder's info when held
  UNLOCK /state/NAME            body = lock info; 200 when it is the holder's (or free)
  POST   /state/NAME/lock       GitLab's convention: 200, or 409 + holder's info
  DELETE /state/NAME/lock       GitLab's unlock

Admin (never authenticated): POST /__admin/fail {"count": N, "status": 503} makes the
next N requests fail with that status; POST /__admin/unlock?name=/state/NAME drops a
lock (an administrator's force-unlock); GET /__admin/log returns the request log (JSON
lines: method, path, query, content_md5_ok, auth_ok, status).

Options: --port-file F (port written there), --user U --password P (basic auth
required), --cert/--key (HTTPS), --client-ca (client certificate required).
"""
import argparse
import base64
import hashlib
import json
import os
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

states = {}
locks = {}
log = []
fail = {"count": 0, "status": 503}
mu = threading.Lock()
args = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body=b"", ctype="application/json", entry=None):
        if entry is not None:
            entry["status"] = status
            log.append(entry)
        self.send_response(status)
        if body:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def handle_any(self):
        u = urlsplit(self.path)
        path, query = u.path, parse_qs(u.query)
        data = self.body()
        if path == "/__admin/fail":
            with mu:
                f = json.loads(data or b"{}")
                fail["count"] = int(f.get("count", 1))
                fail["status"] = int(f.get("status", 503))
            return self.answer(200)
        if path == "/__admin/unlock":
            with mu:
                locks.pop(query.get("name", [""])[0], None)
            return self.answer(200)
        if path == "/__admin/log":
            with mu:
                text = "".join(json.dumps(e) + "\n" for e in log).encode()
            return self.answer(200, text, "text/plain")
        entry = {"method": self.command, "path": path, "query": u.query}
        md5 = self.headers.get("Content-MD5")
        if md5 is not None:
            entry["content_md5_ok"] = md5 == base64.b64encode(hashlib.md5(data).digest()).decode()
        entry["content_type"] = self.headers.get("Content-Type")
        auth_ok = True
        if args.user is not None:
            want = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
            auth_ok = self.headers.get("Authorization") == want
        entry["auth_ok"] = auth_ok
        with mu:
            if fail["count"] > 0:
                fail["count"] -= 1
                return self.answer(fail["status"], entry=entry)
            if not auth_ok:
                return self.answer(401, entry=entry)
            if md5 is not None and not entry["content_md5_ok"]:
                return self.answer(400, b'{"error":"Content-MD5 mismatch"}', entry=entry)
            gitlab = path.endswith("/lock")
            name = path[:-5] if gitlab else path
            if not name.startswith("/state/"):
                return self.answer(404, entry=entry)
            held = locks.get(name)
            m = self.command
            if (m == "LOCK") or (gitlab and m == "POST"):
                if held is not None:
                    return self.answer(409 if gitlab else 423, json.dumps(held).encode(), entry=entry)
                try:
                    locks[name] = json.loads(data)
                except ValueError:
                    return self.answer(400, entry=entry)
                return self.answer(200, entry=entry)
            if (m == "UNLOCK") or (gitlab and m == "DELETE"):
                try:
                    info = json.loads(data) if data else {}
                except ValueError:
                    info = {}
                if held is not None and info.get("ID") != held.get("ID"):
                    return self.answer(409, json.dumps(held).encode(), entry=entry)
                locks.pop(name, None)
                return self.answer(200, entry=entry)
            if m == "GET":
                if name not in states:
                    return self.answer(404, entry=entry)
                return self.answer(200, states[name], entry=entry)
            if m in ("POST", "PUT"):
                if held is not None and query.get("ID", [None])[0] != held.get("ID"):
                    return self.answer(409, json.dumps(held).encode(), entry=entry)
                states[name] = data
                return self.answer(200, entry=entry)
            if m == "DELETE":
                states.pop(name, None)
                return self.answer(200, entry=entry)
            return self.answer(405, entry=entry)

    do_GET = do_POST = do_DELETE = do_LOCK = do_UNLOCK = do_PUT = handle_any


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--client-ca")
    args = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args.client_ca)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
