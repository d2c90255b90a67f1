"""Real servers on 127.0.0.1 for the ``--online`` tests and benchmark: DNS (dnspython, UDP),
RDAP and redirecting web sites (http.server).

``DnsServer(zone)``: ``zone`` maps (name, type) to record texts in zone-file syntax; a name
with no entry of any type is NXDOMAIN; a CNAME is followed inside the zone as a recursive
resolver does; ``*.suffix`` entries answer any name under suffix. ``RdapServer(domains)``:
``/domain/{name}`` answers an RDAP domain object for a name in ``domains`` (name -> registration
date, registrar), else 404; ``/bootstrap.json`` is an IANA-style bootstrap file pointing here.
``WebServer(routes)``: ``routes`` maps (Host header without port, path) to
(status, headers, body); ``{port}`` in a header is the server's port.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

Zone = Mapping[tuple[str, str], list[str]]


class DnsServer:
    """An authoritative-looking DNS server on 127.0.0.1 (UDP) answering from ``zone``."""

    def __init__(self, zone: Zone, ttl: int = 60, delay: float = 0.0) -> None:
        self.zone = {(name.lower().rstrip("."), rtype.upper()): list(v) for (name, rtype), v in zone.items()}
        self.names = {name for name, _ in self.zone}
        self.ttl = ttl
        self.delay = delay  # seconds before each answer, as a resolver on the network takes
        self.queries = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        self._stop = False
        self.thread = threading.Thread(target=self._serve, name="test dns", daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> DnsServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        try:
            self.sock.sendto(b"", ("127.0.0.1", self.port))
        finally:
            self.thread.join(5)
            self.sock.close()

    def _find(self, name: str, rtype: str) -> tuple[bool, list[str] | None]:
        """(name exists, records of that type or None)."""
        if name in self.names:
            return True, self.zone.get((name, rtype))
        labels = name.split(".")
        for start in range(1, len(labels)):
            wild = "*." + ".".join(labels[start:])
            if wild in self.names:
                return True, self.zone.get((wild, rtype))
        return False, None

    def _rrset(self, owner: dns.name.Name, rtype: str, records: list[str]) -> dns.rrset.RRset:
        return dns.rrset.from_text_list(
            owner, self.ttl, "IN", rtype, records, origin=dns.name.root, relativize=False
        )

    def answer(self, wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA | dns.flags.RA
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        rtype = dns.rdatatype.to_text(question.rdtype)
        owner = question.name
        for _ in range(8):  # CNAME chain inside the zone
            exists, records = self._find(name, rtype)
            if not exists:
                response.set_rcode(dns.rcode.NXDOMAIN)
                break
            if records:
                response.answer.append(self._rrset(owner, rtype, records))
                break
            _, cname = self._find(name, "CNAME")
            if not cname or rtype == "CNAME":
                break
            response.answer.append(self._rrset(owner, "CNAME", cname))
            owner = dns.name.from_text(cname[0], origin=dns.name.root)
            name = owner.to_text(omit_final_dot=True).lower()
        return response.to_wire()

    def _serve(self) -> None:
        while not self._stop:
            try:
                wire, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            if self._stop:
                return
            if not wire:
                continue
            self.queries += 1
            try:
                answer = self.answer(wire)
            except Exception:  # a malformed query: no answer, as many servers do
                continue
            if self.delay:
                threading.Timer(self.delay, self._send, (answer, peer)).start()
            else:
                self._send(answer, peer)

    def _send(self, answer: bytes, peer: Any) -> None:
        with contextlib.suppress(OSError):  # stopped meanwhile
            self.sock.sendto(answer, peer)


class _Http:
    """A ThreadingHTTPServer on 127.0.0.1 running in a thread, with ``handle(handler)``."""

    def __init__(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body in two writes: no 40 ms delayed-ACK stall

            def do_GET(self) -> None:
                outer.requests.append((self.headers.get("Host", ""), self.path))
                if outer.delay:
                    time.sleep(outer.delay)
                status, headers, body = outer.handle(self.headers.get("Host", ""), self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value.replace("{port}", str(outer.port)))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client closing a kept-alive connection is no news

        self.requests: list[tuple[str, str]] = []
        self.delay = 0.0  # seconds before each answer
        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handle(self, host: str, path: str) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def __enter__(self) -> Any:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class RdapServer(_Http):
    """RDAP for ``domains``: name -> (registration date, registrar name)."""

    def __init__(self, domains: Mapping[str, tuple[dt.date, str]], delay: float = 0.0) -> None:
        super().__init__()
        self.domains = dict(domains)
        self.delay = delay

    def handle(self, host: str, path: str) -> tuple[int, dict[str, str], bytes]:
        headers = {"Content-Type": "application/rdap+json"}
        if path == "/bootstrap.json":
            tlds = sorted({name.rsplit(".", 1)[-1] for name in self.domains})
            body = {"version": "1.0", "services": [[tlds, [f"http://127.0.0.1:{self.port}/rdap/"]]]}
            return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
        name = path.rsplit("/domain/", 1)[-1].lower() if "/domain/" in path else ""
        if name not in self.domains:
            return 404, headers, b'{"errorCode": 404, "title": "Not Found"}'
        registered, registrar = self.domains[name]
        body = {
            "objectClassName": "domain",
            "ldhName": name,
            "status": ["active"],
            "events": [
                {"eventAction": "registration", "eventDate": f"{registered.isoformat()}T08:00:00Z"},
                {"eventAction": "expiration", "eventDate": f"{registered.year + 1}-01-01T00:00:00Z"},
            ],
            "entities": [
                {
                    "objectClassName": "entity",
                    "roles": ["registrar"],
                    "publicIds": [{"type": "IANA Registrar ID", "identifier": "9999"}],
                    "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", registrar]]],
                }
            ],
        }
        return 200, headers, json.dumps(body).encode()


Route = tuple[int, dict[str, str], bytes]


class WebServer(_Http):
    """Web sites by Host name: ``routes[(host, path)]`` is (status, headers, body)."""

    def __init__(self, routes: Mapping[tuple[str, str], Route]) -> None:
        super().__init__()
        self.routes = dict(routes)

    def handle(self, host: str, path: str) -> Route:
        name = host.rsplit(":", 1)[0].lower() if not host.startswith("[") else host
        return self.routes.get((name, path), (404, {"Content-Type": "text/plain"}, b"not found"))
