"""The window's own settings (printer, paper, terminal, venue name, the device secret an admin
registered this window with), kept in the `settings` table under one key."""

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime

from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.domain.ids import normalize_terminal
from app.store.db import read_transaction
from app.store.models import Setting

KEY = "client"
PAPER_WIDTHS = (58, 80)
ENCODINGS = ("gbk", "gb18030", "big5")


@dataclass(frozen=True)
class ClientSettings:
    printer_uri: str = ""  # empty: preview:{home}/preview
    paper_mm: int = 80
    qr_native: bool = False
    printer_encoding: str = "gbk"
    terminal_id: str = "01"
    venue_name: str = "门票景区"
    device_secret: str = ""  # POST /devices's answer for this window; empty: the embedded store
    # A sale from this many tickets, or this much money, needs its own confirmation at the
    # window (a stray Enter must not sell it).
    large_sale_tickets: int = 20
    large_sale_fen: int = 200_000


def _validated(s: ClientSettings) -> ClientSettings:
    if s.paper_mm not in PAPER_WIDTHS:
        raise ValidationError("纸宽只能是 58 或 80 毫米", field="paper_mm")
    if s.printer_encoding.lower() not in ENCODINGS:
        raise ValidationError(f"打印机编码只能是 {'、'.join(ENCODINGS)}",
                              field="printer_encoding")
    try:
        terminal = normalize_terminal(s.terminal_id)
    except ValueError:
        raise ValidationError("终端编号只能是 1–8 位字母或数字", field="terminal_id") from None
    if not s.venue_name.strip():
        raise ValidationError("景区名称不能为空", field="venue_name")
    if int(s.large_sale_tickets) < 1 or int(s.large_sale_fen) < 1:
        raise ValidationError("大额售票的张数和金额门槛必须大于 0", field="large_sale_tickets")
    return replace(s, printer_uri=s.printer_uri.strip(), terminal_id=terminal,
                   printer_encoding=s.printer_encoding.lower(),
                   venue_name=s.venue_name.strip(), qr_native=bool(s.qr_native),
                   device_secret=s.device_secret.strip(),
                   large_sale_tickets=int(s.large_sale_tickets),
                   large_sale_fen=int(s.large_sale_fen))


def read(session: Session) -> ClientSettings:
    """The stored settings inside the caller's transaction (defaults for what is missing)."""
    row = session.get(Setting, KEY)
    names = {f.name for f in fields(ClientSettings)}
    stored = {k: v for k, v in (row.value if row else {}).items() if k in names}
    return ClientSettings(**stored)


def load(session: Session) -> ClientSettings:
    """The window's settings; defaults until something was saved."""
    with read_transaction(session):
        return read(session)


def save(session: Session, settings: ClientSettings, *, now: datetime) -> ClientSettings:
    """Validate and store the settings; returns them normalised (terminal upper-case...)."""
    clean = _validated(settings)
    with session.begin():
        row = session.get(Setting, KEY)
        if row is None:
            session.add(Setting(key=KEY, value=asdict(clean), updated_at=now))
        else:
            row.value, row.updated_at = asdict(clean), now
    return clean
