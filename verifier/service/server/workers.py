"""Several worker processes, each listening on its own socket of one port (Linux SO_REUSEPORT).

uvicorn's ``--workers`` shares one listening socket: whichever worker is idle when a burst
of connections arrives accepts most of them, and keep-alive connections stay where they
landed (a 129/71 split of 200 connections was measured on 2 workers), so one worker's
clients wait about twice as long as the other's. With a socket per worker the kernel
spreads new connections over the workers by a hash of their addresses.

The supervisor keeps one socket of the group bound but never listening: it reserves the
port between worker restarts and makes "address already in use" fail before any worker
starts. It restarts a worker that dies, gives up when one dies during its start or when
restarts come too often (a sixth within a minute), and on SIGINT or SIGTERM stops every worker
gracefully (uvicorn finishes the requests in flight).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

log = logging.getLogger("uvicorn.error")
APP = "verifier.service.server.run:app_from_env"
START_GRACE = 5.0  # a worker that dies sooner than this after its start is not restarted
MAX_RESTARTS = 5  # ... nor one that would be the sixth restart within RESTART_WINDOW seconds
RESTART_WINDOW = 60.0
STOP_TIMEOUT = 30.0
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def reuse_port_supported() -> bool:
    """Linux spreads connections over SO_REUSEPORT sockets; other systems do not (or differently)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` that other sockets of this user may share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _stop_with(supervisor: int) -> None:
    """Have the kernel send this process SIGTERM when the supervisor dies, even by SIGKILL
    (Linux ``prctl(PR_SET_PDEATHSIG)``), so no worker goes on serving alone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return  # no prctl here: the supervisor's own shutdown still stops the workers
    if os.getppid() != supervisor:  # it died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


class _Server(uvicorn.Server):
    """A uvicorn server that says when it listens, for the supervisor's start line: one message
    on a pipe of its own (a pipe, not a lock-based Event, which a supervisor killed while holding
    its lock would leave locked, hanging the worker)."""

    def __init__(self, config: uvicorn.Config, ready: Connection) -> None:
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            try:
                self.ready.send_bytes(b"listening")
            except OSError:
                pass  # the supervisor is gone; this worker stops with it (PR_SET_PDEATHSIG)
            finally:
                self.ready.close()


def _worker(host: str, port: int, options: dict[str, Any], supervisor: int, ready: Connection) -> None:
    """One worker process: its own socket in the port's group, one uvicorn server."""
    _stop_with(supervisor)
    sock = port_socket(host, port)
    _Server(uvicorn.Config(APP, factory=True, **options), ready).run(sockets=[sock])


class Workers:
    """Run ``count`` uvicorn workers on ``host:port``; ``run`` returns the exit status."""

    def __init__(
        self,
        host: str,
        port: int,
        count: int,
        options: dict[str, Any],
        *,
        start_grace: float = START_GRACE,
        max_restarts: int = MAX_RESTARTS,
    ) -> None:
        self.host = host
        self.port = port
        self.count = count
        self.options = options
        self.start_grace = start_grace
        self.max_restarts = max_restarts
        self.stopping = threading.Event()
        self._context = multiprocessing.get_context("spawn")

    def run(self) -> int:
        uvicorn.Config(APP, factory=True, **self.options).configure_logging()
        try:
            reserved = port_socket(self.host, self.port)
        except OSError as exc:
            log.error("cannot listen on %s port %d: %s", self.host, self.port, exc.strerror or exc)
            return 1
        with reserved:
            port = reserved.getsockname()[1]  # port 0: every worker joins the port chosen here
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, self._on_signal)
            started = [self._start(port) for _ in range(self.count)]
            workers = [(process, at) for process, at, _ in started]
            if self._wait_ready([ready for _, _, ready in started]):
                shown = f"[{self.host}]" if ":" in self.host else self.host
                log.info(
                    "serving on http://%s:%d with %d workers, one socket each (press CTRL+C to quit)",
                    shown,
                    port,
                    self.count,
                )
            status = self._supervise(workers, port)
            self._stop([w for w, _ in workers])
        return status

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping.set()

    def _start(self, port: int) -> tuple[BaseProcess, float, Connection]:
        ready, told = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_worker, args=(self.host, port, self.options, os.getpid(), told), daemon=False
        )
        process.start()
        told.close()  # the worker holds the only writing end: its exit reads as end of file here
        log.info("started worker process [%s]", process.pid)
        return process, time.monotonic(), ready

    def _wait_ready(self, readers: list[Connection]) -> bool:
        """Wait until every worker listens (True), or one exits or a stop is asked (False: the
        supervision that follows says why)."""
        pending = list(readers)
        try:
            while pending and not self.stopping.is_set():
                for reader in wait(pending, timeout=0.2):
                    assert isinstance(reader, Connection)
                    try:
                        reader.recv_bytes()
                    except (EOFError, OSError):
                        return False  # it exited before listening
                    pending.remove(reader)
            return not pending
        finally:
            for reader in readers:
                reader.close()

    def _supervise(self, workers: list[tuple[BaseProcess, float]], port: int) -> int:
        restarts: deque[float] = deque(maxlen=self.max_restarts)
        while not self.stopping.wait(0.5):
            for i, (process, started) in enumerate(workers):
                if process.is_alive():
                    continue
                now = time.monotonic()
                if now - started < self.start_grace:
                    log.error("worker [%s] exited during its start (code %s)", process.pid, process.exitcode)
                    return 1
                if len(restarts) == restarts.maxlen and now - restarts[0] < RESTART_WINDOW:
                    log.error(
                        "worker [%s] exited (code %s); %d restarts within %.0f s: giving up",
                        process.pid,
                        process.exitcode,
                        len(restarts),
                        RESTART_WINDOW,
                    )
                    return 1
                log.warning("worker [%s] exited (code %s); starting another", process.pid, process.exitcode)
                restarts.append(now)
                replacement, at, ready = self._start(port)
                ready.close()  # nobody waits for a replacement's start line
                workers[i] = (replacement, at)
        return 0

    def _stop(self, processes: list[BaseProcess]) -> None:
        for process in processes:
            if process.is_alive() and process.pid is not None:
                process.terminate()  # SIGTERM: uvicorn's graceful shutdown
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                log.warning("worker [%s] did not stop in %.0f s; killing it", process.pid, STOP_TIMEOUT)
                process.kill()
                process.join()
