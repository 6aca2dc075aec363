"""Run the app with uvicorn: one process, or several workers (each imports the factory).

Several workers share nothing but the database: use PostgreSQL when ratings are written while
the site serves (SQLite serves many readers well, but one writer at a time).
"""

from __future__ import annotations

import os


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
