"""`print-sample` (the test page) against a real printer, a dead one and a bad URI."""

import io
import subprocess
import sys
from pathlib import Path

import pytest

from printing.sample import print_sample

pytestmark = pytest.mark.printer
REPO = Path(__file__).resolve().parents[3]


def run(uri: str, paper_mm: int = 80) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = print_sample(uri, paper_mm=paper_mm, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_sample_prints_a_ticket_and_a_receipt(emupos, paper_mm):
    printer = emupos.printer(paper_mm)
    code, out, err = run(printer.uri, paper_mm)

    assert (code, err) == (0, "")
    assert "测试页已发送" in out
    ticket, receipt = (printer.text(r["id"]) for r in printer.new_receipts(2))
    assert "打印测试页" in ticket and "成人票" in ticket and "￥100.00" in ticket
    assert "找零" in receipt and "￥50.00" in receipt
    assert printer.state()["drawer"] == "closed"  # a test page never opens the till


def test_sample_refuses_when_paper_is_out(emupos):
    emupos.front.set_fault("paper-out")
    code, _, err = run(emupos.front.uri)
    assert code == 1 and "缺纸" in err
    assert emupos.front.unseen() == []


def test_sample_on_an_unreachable_printer_says_so_in_chinese(closed_port):
    code, out, err = run(f"tcp:127.0.0.1:{closed_port}")
    assert code == 1 and out == ""
    assert "无法连接打印机" in err and "连接被拒绝" in err


def test_sample_with_a_bad_uri_is_a_usage_error():
    code, _, err = run("lpt1")
    assert code == 2 and "打印机地址“lpt1”不正确" in err


def test_main_print_sample_command(emupos):
    result = subprocess.run([sys.executable, "main.py", "print-sample", "--printer",
                             emupos.narrow.uri, "--paper", "58"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(emupos.narrow.new_receipts(2)) == 2
