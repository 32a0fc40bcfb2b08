from pathlib import Path

import pytest

from screening.checks import load_rule_pack
from screening.errors import InputError
from tests.conftest import FIXTURES

BROKEN = FIXTURES / "broken" / "pack"

# Every deliberate error of the broken pack: (file, line, column, text in the message).
EXPECTED = [
    ("r/badwhen.yaml", 5, 9, "weight: got 300; expected at most 100"),
    ("r/badwhen.yaml", 7, 3, "when: expected a mapping with exactly one of all, any, not"),
    ("r/cycle-a.yaml", 7, 3, "finding references form a cycle: cycle-a -> cycle-b -> cycle-a"),
    ("r/cycle-a.yaml", 9, 16, "unknown rule 'missing-rule'"),
    ("r/dupkey.yaml", 6, 1, "duplicate key 'weight' (first at line 5)"),
    ("r/misnamed.yaml", 1, 5, "duplicate rule id 'cycle-b'"),
    ("r/typo.yaml", 5, 1, "unknown key 'wieght'"),
    ("r/typo.yaml", 1, 1, "weight: required key is missing"),
    ("r/vocab.yaml", 8, 39, "unknown facility kind 'navel_base'"),
    ("r/vocab.yaml", 9, 29, "unknown phrase set 'nosuchset'"),
    ("r/vocab.yaml", 10, 21, "unknown case path 'transaction.tipe'"),
    ("r/vocab.yaml", 11, 57, "unknown role 'spy'"),
    ("r/vocab.yaml", 12, 14, "placeholder '{ghost}' names no matched condition"),
    ("r/vocab.yaml", 12, 14, "placeholder '{party.nonsense}'"),
]


def test_broken_pack_reports_every_error_at_its_line() -> None:
    with pytest.raises(InputError) as info:
        load_rule_pack(BROKEN)
    errors = [p for p in info.value.problems if p.is_error]
    for name, line, column, text in EXPECTED:
        matching = [p for p in errors if p.location.path.endswith(name) and text in p.message]
        assert matching, f"no error '{text}' in {name}"
        assert (matching[0].location.line, matching[0].location.column) == (line, column), text
    assert len(errors) == len(EXPECTED)


def test_suggestions_name_the_likely_intent() -> None:
    with pytest.raises(InputError) as info:
        load_rule_pack(BROKEN)
    text = "\n".join(str(p) for p in info.value.problems)
    assert "(did you mean 'weight'?)" in text
    assert "(did you mean 'naval_base'?)" in text
    assert "(did you mean 'transaction.type'?)" in text


def test_fixture_pack_loads_clean(pack) -> None:  # type: ignore[no-untyped-def]
    assert len(pack.active_rules) == 12
    assert len(pack.digest) == 64


def test_missing_rule_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such rule directory"):
        load_rule_pack(tmp_path / "absent")


def test_digest_changes_with_any_rule_byte(tmp_path: Path) -> None:
    import shutil

    from screening.loading.rulepack import pack_digest
    from tests.conftest import FIXTURE_PACK

    copy = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, copy)
    before = pack_digest(copy)
    rule = copy / "text" / "confidential.yaml"
    rule.write_text(rule.read_text().replace("weight: 25", "weight: 26"))
    assert pack_digest(copy) != before


def test_editor_lock_files_and_folders_named_yaml_are_ignored(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import FIXTURE_PACK

    copy = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, copy)
    (copy / "text" / ".#confidential.yaml").symlink_to("someone@laptop.123:456")
    (copy / "text" / "extra.yaml").mkdir()
    assert len(load_rule_pack(copy).active_rules) == 12


def test_routing_table_errors_are_located(tmp_path: Path) -> None:
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(FIXTURES / "pack", pack)
    routes = pack / "routes.yaml"
    text = routes.read_text(encoding="utf-8")
    text = text.replace(
        "    jurisdictions: [XX]\n", "    jurisdictions: [XX, XX]\n    also: [nowhere]\n"
    )
    text = text.replace("sectors: [ports]", "sectors: [ports], mandatory_sectors: [portz]")
    routes.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_rule_pack(pack)
    got = {(p.location.line, p.message.split(";")[0]) for p in info.value.problems}
    assert (10, "XX is already in regime 'xx'") in got
    assert (11, "regime 'xx': unknown regime 'nowhere' in `also`") in got
    assert (16, "body 'xx-ports': unknown sector 'portz' in mandatory_sectors") in got
