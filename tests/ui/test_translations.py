"""Every string the UI shows has its Chinese, with the same {placeholders}, and the .qm is built
from the committed .ts."""

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "menpiao_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {(ctx.findtext("name"), msg.findtext("source")): msg.find("translation")
            for ctx in root.iter("context") for msg in ctx.iter("message")}


def test_every_message_is_translated_with_the_same_placeholders():
    found = messages(TS)
    assert len(found) > 100
    for (context, source), translation in found.items():
        assert translation.text, f"{context}: {source!r} has no Chinese"
        assert translation.get("type") not in ("unfinished", "obsolete", "vanished"), source
        assert set(re.findall(r"\{\w+\}", source)) == set(
            re.findall(r"\{\w+\}", translation.text)), source


def test_the_ts_covers_every_string_in_ui(tmp_path):
    lupdate = shutil.which("pyside6-lupdate", path=str(BIN))
    if lupdate is None:
        pytest.fail("pyside6-lupdate is missing from the venv")
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run([lupdate, *sources, "-ts", str(fresh), "-locations", "none"], check=True,
                   capture_output=True)
    missing = set(messages(fresh)) - set(messages(TS))
    assert not missing, f"run lupdate and translate: {sorted(missing)}"


def test_the_qm_is_compiled_from_the_ts(tmp_path):
    lrelease = shutil.which("pyside6-lrelease", path=str(BIN))
    built = tmp_path / "built.qm"
    subprocess.run([lrelease, str(TS), "-qm", str(built)], check=True, capture_output=True)
    assert QM.read_bytes() == built.read_bytes(), "run make translations and commit the .qm"
