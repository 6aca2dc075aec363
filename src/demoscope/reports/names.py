"""Category names as people type them: a small slip in a word still names the category.

Real copies print "Judicial Framework and Independent rating", "Local Democratic Governace",
"Civil Societies", or lose a label's last word ("Local Democratic"). A name is recognised
when it has the words of a known name (a category's name, an alias of more than one word, an
edition's own name, a score label) in order, each word equal to the known one or a near miss
of it: same beginning with at most the last two letters different, or one typing error (two
in long words). Short words ("and", "of") must be exact, and a name of one word must be long
enough that a slip cannot make another word of it. Two or more words that begin one
category's names, and no other's, name it too. Each caller reports what it read this way as
a finding: a near miss is an inference.
"""

from __future__ import annotations

from functools import cache, lru_cache

from demoscope.methodology import Methodology

#: Labels of the printed scores, beside the category names the methodology gives.
SCORE_LABELS = {"DS": ("Democracy Score", "Democracy Rating"), "DP": ("Democracy Percentage",)}


def words_of(name: str) -> tuple[str, ...]:
    """A name as lower-case words ("&" is "and", commas dropped)."""
    return tuple(name.replace(",", " ").replace("&", " and ").lower().split())


@cache
def known_names(m: Methodology) -> tuple[tuple[tuple[str, ...], str, str], ...]:
    """Every name the methodology knows as ``(words, code, name as printed)``, longest first."""
    out: dict[tuple[str, ...], tuple[str, str]] = {}
    for cat in m.categories.values():
        for name in (cat.name, *cat.aliases):
            out.setdefault(words_of(name), (cat.code, cat.name))
    for ed in m.editions.values():
        for code, name in ed.names.items():
            out.setdefault(words_of(name), (code, name))
    for code, labels in SCORE_LABELS.items():
        for name in labels:
            out.setdefault(words_of(name), (code, labels[0]))
    return tuple(sorted(((w, c, n) for w, (c, n) in out.items()), key=lambda e: -len(e[0])))


def similar(word: str, known: str) -> bool:
    """Whether ``word`` (lower case) is ``known`` or a near miss of it (see the module doc)."""
    if word == known:
        return True
    if len(known) < 5 or len(word) < 4 or abs(len(word) - len(known)) > 2:
        return False
    prefix = 0
    for a, b in zip(word, known, strict=False):
        if a != b:
            break
        prefix += 1
    if prefix >= 5 and prefix >= len(known) - 2:  # "independent" for "independence"
        return True
    return _distance(word, known, 1 if len(known) < 8 else 2) <= (1 if len(known) < 8 else 2)


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def near_name(words: tuple[str, ...] | list[str], m: Methodology) -> tuple[str, str] | None:
    """``(code, known name)`` when ``words`` are exactly a known name's words with a slip in at
    least one of them; ``None`` when they name nothing (or name it exactly: callers match exact
    names faster on their own). Answers are cached: the same few words recur in every report
    ("Valdoria's corruption rating")."""
    return _near_name(tuple(words), m)


@lru_cache(maxsize=8192)
def _near_name(words: tuple[str, ...], m: Methodology) -> tuple[str, str] | None:
    n = len(words)
    for key, code, name in known_names(m):
        if len(key) != n or tuple(words) == key:
            continue
        if len(key) == 1 and len(key[0]) < 7:  # "media": too short to tolerate a slip alone
            continue
        if all(similar(w, k) for w, k in zip(words, key, strict=True)):
            return code, name
    return _cut_name(words, m) if n >= 2 else None


def _cut_name(words: tuple[str, ...], m: Methodology) -> tuple[str, str] | None:
    """A name that lost its last word(s) ("Local Democratic", "Judicial Framework and"): the
    words begin exactly one category's names."""
    found = {(code, name) for key, code, name in known_names(m)
             if len(key) > len(words) and key[: len(words)] == words}
    codes = {code for code, _ in found}
    if len(codes) != 1:
        return None
    return min(found, key=lambda f: len(f[1]))
