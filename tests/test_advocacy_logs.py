"""LOG_FORMAT=json: one JSON object a line."""

import json
import logging

from advocacy.logs import JsonFormatter


def test_a_record_is_one_json_line_with_its_extras_and_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("donations").makeRecord(
            "donations", logging.ERROR, __file__, 1, "Event %s failed", ("evt_1",),
            exc_info=__import__("sys").exc_info(), extra={"donation": 7},
        )  # fmt: skip
    line = JsonFormatter().format(record)
    assert len(line.splitlines()) == 1
    entry = json.loads(line)
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "ERROR", "donations", "Event evt_1 failed",
    )  # fmt: skip
    assert entry["donation"] == 7
    assert "ValueError: boom" in entry["exception"]
