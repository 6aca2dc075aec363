"""The web site and JSON API (FastAPI + Jinja2), a thin layer over the library.

``create_app(database_url)`` builds the app; ``demoscope serve`` runs it with uvicorn. Every
asset (CSS, JS, plotly.js from the plotly wheel) is served by the app itself: no CDN.
"""
