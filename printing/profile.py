"""What we know about one printer model: paper width, code page for Chinese, QR support."""

from dataclasses import dataclass

ENCODINGS = ("gbk", "gb18030", "big5")
DOTS_PER_MM = 8  # 203 dpi thermal heads
COLUMN_DOTS = 12  # Font A cell width: one ASCII column; a Chinese character takes two
LINE_DOTS = 24  # Font A cell height, and the height of a Chinese character


@dataclass(frozen=True)
class PrinterProfile:
    """Paper 80 mm (48 columns, 576 dots) or 58 mm (32 columns, 384 dots).

    `qr_native` prints QR codes with the printer's own `GS ( k`; otherwise they are raster
    images. `chinese_as_image` renders lines with Chinese as raster images, for printers
    without a Chinese font.
    """

    paper_mm: int = 80
    qr_native: bool = False
    encoding: str = "gbk"
    chinese_as_image: bool = False

    def __post_init__(self) -> None:
        if self.paper_mm not in (58, 80):
            raise ValueError(f"纸宽只能是 58 或 80 毫米，不是 {self.paper_mm}")
        if self.encoding not in ENCODINGS:
            raise ValueError(f"打印机编码只能是 {'、'.join(ENCODINGS)}，不是 {self.encoding}")

    @property
    def columns(self) -> int:
        """Half-width (ASCII) columns across the printable width."""
        return 48 if self.paper_mm == 80 else 32

    @property
    def width_dots(self) -> int:
        """Printable width in dots."""
        return self.columns * COLUMN_DOTS
