"""Run the app with uvicorn: one process, or several workers (each imports the factory).

Several workers share nothing but the database: use PostgreSQL when ratings are written while
the site serves (SQLite serves many readers well, but one writer at a time).
"""

from __future__ import annotations

import errno
import os
import socket

from demoscope.errors import ConfigError


def check_listen(host: str, port: int) -> None:
    """Refuse, in one line, an address the server could not listen on (unknown host, port in
    use, not allowed), before uvicorn starts and would report it in a log of its own."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: unknown host ({exc})",
                          field="host") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            reason = {errno.EADDRINUSE: "the port is in use", errno.EACCES: "permission denied",
                      errno.EADDRNOTAVAIL: "no such address on this machine"
                      }.get(exc.errno or 0, exc.strerror or str(exc))
            raise ConfigError(f"cannot listen on {host}:{port}: {reason}", field="port") from None


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
          database_url: str | None = None) -> None:
    """Serve the site and API until interrupted."""
    import uvicorn

    if database_url:
        os.environ["DEMOSCOPE_DATABASE_URL"] = database_url  # read by each worker's factory
    uvicorn.run("demoscope.web.app:app_from_env", factory=True, host=host, port=port,
                workers=max(1, workers), log_level="warning", access_log=False,
                server_header=False)


if __name__ == "__main__":  # pragma: no cover - ``python -m demoscope.web.server``
    import argparse

    ap = argparse.ArgumentParser(description="Serve demoscope (same as `demoscope serve`).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    serve(a.host, a.port, a.workers)
