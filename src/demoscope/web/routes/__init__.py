"""The app's routes: :mod:`~.api` (``/api/v1``), :mod:`~.pages` (HTML), :mod:`~.assets`
(favicon, health check). A new endpoint goes into the module of its face and calls
one library function; see docs/architecture.md."""
