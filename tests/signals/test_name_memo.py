"""A name index remembers its lookups: the same answers, bounded, and not pickled."""

import pickle

import pytest

from screening.signals import names
from screening.signals.names import NameIndex


def _index() -> NameIndex[str]:
    return NameIndex(
        [
            ("cosco", ["COSCO Shipping Holdings", "China Ocean Shipping"]),
            ("cmport", ["China Merchants Port Holdings"]),
        ]
    )


def test_remembered_lookups_answer_as_fresh_ones() -> None:
    index, fresh = _index(), _index()
    for name in ["COSCO Shipping", "China Merchants Port", "Galil Logistics Ltd", "COSCO"]:
        first = index.match(name, 85)
        assert index.match(name, 85) is first  # the second comes from memory
        assert first == fresh._match(name, 85)
    assert index.match("COSCO Shipping", None) == fresh._match("COSCO Shipping", None)


def test_memory_is_bounded_and_left_out_of_a_pickle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(names, "MEMO_SIZE", 3)
    index = _index()
    for i in range(10):
        index.match(f"Unknown Trading Company {i}", 85)
    assert len(index._memo) == 3
    assert [k[0] for k in index._memo] == [f"Unknown Trading Company {i}" for i in (7, 8, 9)]
    copy = pickle.loads(pickle.dumps(index))
    assert copy._memo == {} and copy.match("COSCO Shipping", 85).hit is not None
