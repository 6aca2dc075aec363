"""A real uvicorn server in a thread, for the tests that need one (the browser, real logs).

The listening socket is bound here, on a port the kernel picks, and handed to uvicorn: there is
no moment between choosing a port and binding it in which another process (the other xdist
worker's servers, or any client's ephemeral port) could take it — choosing a "free" port,
closing it and letting uvicorn bind it later made tests fail now and then under ``-n 2``.
A server that does not start fails the test at once, naming the port, instead of letting its
requests reach whatever else listens there.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: How long a server may take to start on a busy machine before the test fails (seconds).
START_TIMEOUT = 60


@contextmanager
def serving(app: Any, **config: Any) -> Iterator[str]:
    """uvicorn serving ``app`` on loopback in a thread (``config``: more ``uvicorn.Config``
    options; quiet logs by default): the base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           **{"log_level": "warning", **config}))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(START_TIMEOUT)
        sock.close()
