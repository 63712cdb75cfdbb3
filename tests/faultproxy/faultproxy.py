#!/usr/bin/env python3
"""faultproxy.py - a forwarding fault proxy for litehcl's tests (issue 14).

Sits between litehcl and the emulator (127.0.0.1 only) and, per route, lets the server
do the work and then answers badly - the faults a gateway in front of LiteLLM produces
after the request was carried out, which the emulator's own faults (answer without doing
the work) do not cover:

  status     forward, then answer `status` (default 500) in LiteLLM's error shape
  gateway    forward, then 504 (or `status`: 502/504/524) with an nginx/Cloudflare HTML page
  timeout    forward, then hold the connection without answering for `ms` (default 30000)
  html       forward, then 200 with an HTML page
  truncated  forward, then the real status with a Content-Length for the whole body
             but only half of it, and close
  empty      forward, then the real status with an empty body
  malformed  forward, then the real status with the JSON cut in half (complete HTTP)
  drop       forward, then close the connection without any answer
  strip      forward, then the real status and JSON without `key` (a dotted path:
             "users", "team_info.members_with_roles") - a well-formed answer that is
             not LiteLLM's
  before     answer `status` (default 503) WITHOUT forwarding (the request never arrived)

Usage:
  faultproxy.py --upstream http://127.0.0.1:PORT --port-file FILE [--log FILE]
                [--fault 'path=/user/new,kind=status,status=500,probability=0.3'] ...
                [--seed N]

Control (never faulted, never forwarded):
  POST /__proxy/faults   {"path": "/user/new", "method": "POST", "kind": "...",
                          "status": N, "probability": p, "count": K, "nth": N, "ms": N,
                          "key": "users"}
                         path may be exact, "PREFIX*" or "*"; count 0 = forever (default
                         1 with nth, forever with probability)
  POST /__proxy/clear    remove every rule
  GET  /__proxy/stats    {"forwarded": N, "fired": {kind: N}, "rules": [...]}
Everything else (including /__emu/...) is forwarded; /__emu/ is never faulted.
"""
import argparse
import http.client
import http.server
import json
import os
import random
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

KINDS = ("status", "gateway", "timeout", "html", "truncated", "empty", "malformed", "drop", "before",
         "strip")

lock = threading.Lock()
rules = []
stats = {"forwarded": 0, "fired": {}}
rng = random.Random()
upstream = None
logf = None


def parse_rule(d):
    r = {
        "path": d.get("path", "*"),
        "method": d.get("method"),
        "kind": d.get("kind", "status"),
        "status": int(d["status"]) if "status" in d else None,
        "probability": float(d["probability"]) if "probability" in d else None,
        "nth": int(d.get("nth", 1)),
        "count": int(d["count"]) if "count" in d else None,
        "ms": int(d.get("ms", 30000)),
        "key": d.get("key", ""),
        "seen": 0,
        "fired": 0,
    }
    if r["kind"] not in KINDS:
        raise ValueError("unknown kind %r (one of %s)" % (r["kind"], ", ".join(KINDS)))
    if r["count"] is None:
        r["count"] = 0 if r["probability"] is not None else 1
    return r


def parse_flag(s):
    d = {}
    for part in s.split(","):
        k, _, v = part.partition("=")
        d[k.strip()] = v.strip()
    return parse_rule(d)


def path_matches(pat, path):
    if pat == "*":
        return True
    if pat.endswith("*"):
        return path.startswith(pat[:-1])
    return path == pat


def pick(method, path):
    """The rule that fires for this request, or None (every matching rule counts)."""
    chosen = None
    with lock:
        for r in rules:
            if not path_matches(r["path"], path) or (r["method"] and r["method"] != method):
                continue
            r["seen"] += 1
            if r["count"] and r["fired"] >= r["count"]:
                continue
            if r["probability"] is not None:
                fire = rng.random() < r["probability"]
            else:
                fire = r["seen"] >= r["nth"]
            if fire and chosen is None:
                r["fired"] += 1
                stats["fired"][r["kind"]] = stats["fired"].get(r["kind"], 0) + 1
                chosen = dict(r)
    return chosen


HTML_504 = b"<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
HTML_502 = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
HTML_524 = b"<!DOCTYPE html><html><head><title>litellm.example.com | 524: A timeout occurred</title></head><body><h1>A timeout occurred</h1><p>Error code 524</p><p>cloudflare</p></body></html>"
HTML_PAGE = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action=\"/sso/login\"><input name=\"user\"></form></body></html>"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def setup(self):
        super().setup()
        # headers and body go out in separate writes: without this, Nagle and the
        # client's delayed ACK add 40 ms to every answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, status, body, ctype="application/json", extra=None, length=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _control(self, method, path, body):
        global rules
        if method == "POST" and path == "/__proxy/faults":
            try:
                r = parse_rule(json.loads(body or b"{}"))
            except (ValueError, KeyError) as e:
                return self._send(400, json.dumps({"error": str(e)}).encode())
            with lock:
                rules.append(r)
                n = len(rules)
            return self._send(200, json.dumps({"id": n}).encode())
        if method == "POST" and path == "/__proxy/clear":
            with lock:
                rules = []
            return self._send(200, b"{}")
        if path == "/__proxy/stats":
            with lock:
                out = json.dumps({"forwarded": stats["forwarded"], "fired": stats["fired"],
                                  "rules": rules}).encode()
            return self._send(200, out)
        return self._send(404, b'{"detail":"Not Found"}')

    def _forward(self, method, body):
        """Sends the request upstream; returns (status, headers, body)."""
        conn = getattr(self.server.local, "conn", None)
        for attempt in range(2):
            if conn is None:
                conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=120)
                self.server.local.conn = conn
            try:
                hdrs = {k: v for k, v in self.headers.items()
                        if k.lower() not in ("host", "connection", "content-length", "accept-encoding")}
                conn.request(method, self.path, body=body if method != "GET" else None, headers=hdrs)
                resp = conn.getresponse()
                data = resp.read()
                with lock:
                    stats["forwarded"] += 1
                return resp.status, resp.getheaders(), data
            except (ConnectionError, http.client.HTTPException, OSError):
                # only a connection that died before sending is retried (keep-alive reuse)
                conn.close()
                conn = None
                self.server.local.conn = None
                if attempt == 1:
                    raise
        raise RuntimeError("unreachable")

    def _handle(self, method):
        body = self._body()
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/__proxy/"):
            return self._control(method, path, body)
        rule = None if path.startswith("/__emu/") else pick(method, path)
        kind = rule["kind"] if rule else None
        if logf is not None and rule:
            with lock:
                logf.write(json.dumps({"time": time.time(), "method": method, "path": path,
                                       "fault": kind}) + "\n")
                logf.flush()
        if kind == "before":
            st = rule["status"] or 503
            return self._send(st, json.dumps({"detail": "proxy: %d before forwarding" % st}).encode())
        status, headers, data = self._forward(method, body)
        if kind is None:
            ctype = dict((k.lower(), v) for k, v in headers).get("content-type", "application/json")
            extra = {k: v for k, v in headers if k.lower() in ("retry-after", "location")}
            return self._send(status, data, ctype, extra)
        if kind == "status":
            st = rule["status"] or 500
            err = {"error": {"message": "proxy: the server did the work, then failed with %d" % st,
                             "type": "internal_server_error", "param": None, "code": str(st)}}
            return self._send(st, json.dumps(err).encode())
        if kind == "gateway":
            st = rule["status"] or 504
            page = HTML_524 if st == 524 else HTML_502 if st == 502 else HTML_504
            return self._send(st, page, "text/html")
        if kind == "timeout":
            time.sleep(rule["ms"] / 1000.0)
            self.close_connection = True
            return None
        if kind == "html":
            return self._send(200, HTML_PAGE, "text/html; charset=utf-8")
        if kind == "empty":
            return self._send(status, b"")
        if kind == "strip":
            try:
                doc = json.loads(data)
                obj, parts = doc, rule["key"].split(".")
                for k in parts[:-1]:
                    obj = obj.get(k, {}) if isinstance(obj, dict) else {}
                if isinstance(obj, dict):
                    obj.pop(parts[-1], None)
                data = json.dumps(doc).encode()
            except ValueError:
                pass
            return self._send(status, data)
        if kind == "malformed":
            return self._send(status, data[: max(1, len(data) // 2)])
        if kind == "truncated":
            self._send(status, data[: len(data) // 2], length=len(data) or 10)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        if kind == "drop":
            self.close_connection = True
            # RST rather than FIN: no answer at all
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
            return None
        return None

    def do_GET(self):
        try:
            self._handle("GET")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_POST(self):
        try:
            self._handle("POST")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.local = threading.local()


def main():
    global upstream, logf
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--fault", action="append", default=[])
    a = ap.parse_args()
    upstream = urllib.parse.urlsplit(a.upstream)
    if upstream.hostname not in ("127.0.0.1", "localhost"):
        sys.exit("faultproxy: upstream must be on 127.0.0.1")
    if a.seed is not None:
        rng.seed(a.seed)
    for f in a.fault:
        rules.append(parse_flag(f))
    if a.log:
        logf = open(a.log, "a")
    srv = Server(("127.0.0.1", a.port), Handler)
    port = srv.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, a.port_file)
    print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
