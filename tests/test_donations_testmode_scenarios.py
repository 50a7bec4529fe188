"""A payment run's row: ok only when everything it recorded is as expected."""

from donations.testmode.scenarios import Result


def expected_row() -> Result:
    return Result("one time", "paid", status="paid", expected_payments=1, payments=1)


def test_a_row_recorded_as_expected_is_ok():
    assert expected_row().ok


def test_a_failed_check_anywhere_in_a_note_makes_the_row_fail():
    row = expected_row()
    row.notes.append("refunded 0 (FAIL: want 1000)")
    assert not row.ok


def test_another_status_or_count_makes_the_row_fail():
    assert not Result("one time", "paid", status="failed", expected_payments=1, payments=1).ok
    assert not Result("one time", "paid", status="paid", expected_payments=1, payments=2).ok
