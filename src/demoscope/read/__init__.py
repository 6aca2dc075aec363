"""Answers: typed read models built from the read gateway (:mod:`demoscope.store.reads`).

Each module declares its JSON contracts once, as ``TypedDict`` classes, and the functions that
build them; the CLI prints them (``--json``), the API serves them (and uses the same classes
as its ``response_model``, so the OpenAPI document is the contract), the pages render them.

* :mod:`~demoscope.read.scorecard`: one country in one edition (``show``, the scorecard API);
* :mod:`~demoscope.read.overview`: one edition, all countries; rankings;
* :mod:`~demoscope.read.series`: one country across editions; scores, changes, comparisons;
* :mod:`~demoscope.read.ratings`: the tidy rating rows (API pages, exports, ``load()``);
* :mod:`~demoscope.read.indexes`: lists of countries and editions, the methodology summary;
* :mod:`~demoscope.read.cache`: read models built once per data version.

Nothing here writes, and nothing here holds SQL.
"""
