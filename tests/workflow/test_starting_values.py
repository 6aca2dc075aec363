"""Where an assessment starts: the latest row before the edition, stored ratings or a
reconstructed row — and a reconstructed start says so wherever the starting values are shown.

The built-in data hold Serbia's 2018 ratings and a 2019 row reconstructed from the changes its
2019 page printed; Kazakhstan has stored ratings and page headlines only after them.
"""

from __future__ import annotations

from demoscope.methodology import nit
from demoscope.read.assessment import assessment, audit_log
from demoscope.services import assessment as svc
from demoscope.services import users
from demoscope.store import reads
from demoscope.workflow.roles import Actor

YEAR = 2025


def test_a_reconstructed_start_carries_its_provenance(engine, db_url):
    m = nit()
    read = reads.reader_for_url(db_url)
    rebuilt = reads.reconstructed(read, m.code, ["SRB", "KAZ"])
    assert set(rebuilt) == {("SRB", 2019)}  # the case under test, from the built-in data
    row = rebuilt[("SRB", 2019)]
    assert max(reads.country_years(read, m.code, "SRB")) == 2018 < 2019
    users.add_user(engine, None, "ed", "editor", "an invented passphrase", console=True)
    svc.open_edition(engine, m, Actor("ed", "editor"), YEAR, ["SRB", "KAZ"])

    ed, was = m.edition(YEAR), m.edition(2019)
    srb = assessment(read, m, "SRB", YEAR)["categories"]
    stored = reads.row(read, m.code, "SRB", 2018)
    assert set(srb) == set(ed.categories)
    for cat, cell in srb.items():
        expected = m.to_direction(row.values[cat], was.direction, ed.direction)
        assert (cell["starting"], cell["starting_edition"]) == (float(expected), 2019), cat
        # what the published changes will be measured against: the stored ratings
        before = m.to_direction(stored[cat], m.edition(2018).direction, ed.direction)
        assert (cell["previous"], cell["previous_edition"]) == (float(before), 2018), cat
        assert cell["starting_source"] == row.provenance == \
            "reconstructed from 2018 + changes printed in 2019"

    kaz = assessment(read, m, "KAZ", YEAR)["categories"]
    last = max(reads.country_years(read, m.code, "KAZ"))
    stored = reads.row(read, m.code, "KAZ", last)
    for cat, cell in kaz.items():
        expected = m.to_direction(stored[cat], m.edition(last).direction, ed.direction)
        assert (cell["starting"], cell["starting_edition"]) == (float(expected), last), cat
        assert cell["starting_source"] is None  # stored ratings: nothing to flag
        assert (cell["previous"], cell["previous_edition"]) == (float(expected), last)

    opened = [e for e in audit_log(read) if e["action"] == "edition.open"]
    assert opened[-1]["after"]["starting_reconstructed"] == {"SRB": row.provenance}
    assert svc.starting_values(read, m, ed, "SRB")["EP"] == (
        m.to_direction(row.values["EP"], was.direction, ed.direction), 2019)
