"""The `preview:` printer draws our ESC/POS bytes as PNG pages, one per cut."""

import zxingcpp
from PIL import Image

from printing.devices import NullDevice, open_device
from printing.layouts import render_receipt, render_ticket, sample_docs
from printing.preview import PreviewRenderer
from printing.profile import PrinterProfile


def test_preview_saves_one_png_per_cut_with_a_scannable_qr(tmp_path):
    ticket, receipt = sample_docs()
    device = open_device(f"preview:{tmp_path / 'preview'}", profile=PrinterProfile(paper_mm=58))
    device.write(render_ticket(ticket, PrinterProfile(paper_mm=58)))
    device.write(render_receipt(receipt, PrinterProfile(paper_mm=58)))
    device.close()

    first, second = sorted((tmp_path / "preview").glob("*.png"))
    image = Image.open(first)
    assert image.width == 384 + 32  # 58 mm plus the margins
    assert [c.text for c in zxingcpp.read_barcodes(image.convert("L"))] == [ticket.code]
    assert Image.open(second).height > 300


def test_preview_of_native_qr_and_of_chinese_as_image(tmp_path):
    ticket, _ = sample_docs()
    for profile in (PrinterProfile(qr_native=True), PrinterProfile(chinese_as_image=True)):
        renderer = PreviewRenderer(profile)
        (page,) = renderer.feed(render_ticket(ticket, profile))
        path = tmp_path / "page.png"
        path.write_bytes(page)
        assert [c.text for c in zxingcpp.read_barcodes(Image.open(path).convert("L"))] == \
            [ticket.code]


def test_bytes_split_anywhere_render_the_same(tmp_path):
    ticket, _ = sample_docs()
    data = render_ticket(ticket)
    whole = PreviewRenderer(PrinterProfile()).feed(data)
    renderer = PreviewRenderer(PrinterProfile())
    pieces = [page for start in range(0, len(data), 97)
              for page in renderer.feed(data[start:start + 97])]
    assert pieces == whole and len(whole) == 1


def test_print_without_a_cut_is_saved_on_close(tmp_path):
    device = open_device(f"preview:{tmp_path}")
    device.write(b"\x1b@hello\n")
    assert device.files == []
    device.close()
    assert len(device.files) == 1


def test_none_prints_nothing():
    device = open_device("none")
    assert isinstance(device, NullDevice)
    device.write(b"anything")
    assert device.query(b"\x10\x04\x01", 1) is None
