import pickle
from pathlib import Path

import pytest

from screening.errors import InputError
from screening.loading.yamlio import parse_yaml, read_yaml


def test_values_and_keys_keep_their_line_and_column() -> None:
    doc, problems = parse_yaml("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert problems == []
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.location(("b", 1, "c")).line == 4
    assert doc.location(("b", 1, "c"), key=True).column == 6
    assert doc.location(("b", 0)).line == 3


def test_unknown_path_falls_back_to_nearest_ancestor() -> None:
    doc, _ = parse_yaml("a:\n  b: 1\n", "f.yaml")
    assert doc.location(("a", "zzz", 3)).line == 2


def test_every_duplicate_key_is_reported_with_its_first_line() -> None:
    _, problems = parse_yaml("a: 1\nb: 2\na: 3\nb: 4\n", "f.yaml")
    assert [str(p) for p in problems] == [
        "f.yaml:3:1: error: duplicate key 'a' (first at line 1) [yaml]",
        "f.yaml:4:1: error: duplicate key 'b' (first at line 2) [yaml]",
    ]


def test_malformed_yaml_is_one_located_problem() -> None:
    _, problems = parse_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    assert len(problems) == 1
    assert problems[0].location.line >= 2
    assert "malformed YAML" in problems[0].message


def test_alias_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import screening.loading.yamlio as yamlio

    monkeypatch.setattr(yamlio, "MAX_NODES", 1000)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 6):
        bomb += f"l{i}: &l{i} [*{'a' if i == 1 else f'l{i - 1}'}] \n".replace("]", "]")
    bomb += "top: [" + ", ".join(["*l5"] * 200) + "]\n"
    _, problems = parse_yaml(bomb, "bomb.yaml")
    assert problems and problems[0].code == "yaml-size"


def test_missing_file_oversized_file_and_binary_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as missing:
        read_yaml(tmp_path / "nope.yaml")
    assert "no such file" in str(missing.value)
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 200 + "\n")
    with pytest.raises(InputError) as oversized:
        read_yaml(big, max_bytes=100)
    assert "expected at most 100 bytes" in str(oversized.value)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"a: \xff\xfe\n")
    with pytest.raises(InputError) as not_utf8:
        read_yaml(binary)
    assert "not UTF-8" in str(not_utf8.value)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_yaml(tmp_path)


def test_devices_pipes_and_lying_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a regular file"):
        read_yaml(Path("/dev/zero"))
    fifo = tmp_path / "pipe.yaml"
    import os

    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_yaml(fifo)


def test_an_unpickled_document_reads_its_marks_when_first_asked() -> None:
    doc, problems = parse_yaml("a:\n  b: [1, 2]\nc: x\n", "f.yaml")
    assert not problems
    copy = pickle.loads(pickle.dumps(doc))
    assert "value_marks" not in vars(copy)  # not unpickled yet
    again = pickle.loads(pickle.dumps(copy))  # pickled again before any use
    for d in (copy, again):
        assert d == doc
        assert str(d.location(("a", "b", 1))) == str(doc.location(("a", "b", 1)))
        assert d.key_marks == doc.key_marks and d.value_marks == doc.value_marks
    with pytest.raises(AttributeError):
        _ = copy.no_such_attribute
