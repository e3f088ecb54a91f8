"""Numbering references: the marks a page's citations render as, and the places References link back to."""

from __future__ import annotations

from ledger.link import Numbering, Occurrence


def test_marks_number_in_reading_order_and_equal_marks_are_one_value() -> None:
    first, second = Numbering(), Numbering()
    marks = [first.mark("a", "Text"), first.mark("b", "Position A"), first.mark("a", "Position A")]
    assert marks == [(1, "cite-1-1"), (2, "cite-2-1"), (1, "cite-1-2")]
    assert first.places["a"] == [Occurrence("cite-1-1", "Text"), Occurrence("cite-1-2", "Position A")]
    again = second.mark("z", "Text")  # another page: the same mark, shared rather than made again
    assert again == marks[0] and again is marks[0]
    assert second.places["z"][0] is first.places["a"][0]
