"""The web site and JSON API (FastAPI + Jinja2), a thin layer over the library.

``create_app(database_url)`` (:mod:`~demoscope.web.app`) wires the parts: routes
(:mod:`~demoscope.web.routes`), dependencies (:mod:`~demoscope.web.deps`), responses
(:mod:`~demoscope.web.responses`), templating (:mod:`~demoscope.web.templating`) and the
read-model middleware (:mod:`~demoscope.web.middleware`). ``demoscope serve`` runs it with
uvicorn. Every asset (CSS, JS, map geometry; charts are server-drawn SVG) is served by the app itself:
no CDN.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
