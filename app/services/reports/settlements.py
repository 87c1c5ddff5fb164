"""`POST /reports/settlements`: the settlement file of one channel or payment provider
(`source`, e.g. `wechat`, `alipay`, `ota_meituan`), a CSV with the header
`order_no,txn_id,amount_fen,fee_fen,date` — the store's order number, the provider's
transaction id, the amount settled and the provider's fee in integer fen, the settlement's
venue-local date `YYYY-MM-DD` — matched against the store's payments line by line:

- `matched`: the order exists and one of its paid-in payments (`measures.PAID_IN`) has that
  amount (the payment whose `provider_txn_id` is the line's txn_id first);
- `unknown_order`: no such order; `amount_differs`: the order exists, no payment of it has
  that amount (the line is kept with the order's first paid-in payment).

Every line is stored (`settlement_lines`) whatever its status; a (source, txn_id) already
imported is skipped (a file sent twice changes nothing). A bad file is refused whole, in
Chinese, naming the line; nothing is written."""

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.domain.ids import new_id
from app.store.models import Order, Payment, SettlementLine

from . import measures
from .periods import parse_day

COLUMNS = ("order_no", "txn_id", "amount_fen", "fee_fen", "date")
MAX_LINES = 100_000
MATCHED, UNKNOWN_ORDER, AMOUNT_DIFFERS = "matched", "unknown_order", "amount_differs"


@dataclass(frozen=True)
class Line:
    order_no: str
    txn_id: str
    amount_fen: int
    fee_fen: int
    settled_on: date


@dataclass(frozen=True)
class Imported:
    source: str
    lines: int
    matched: int
    unknown_order: int
    amount_differs: int
    skipped: int  # already imported before

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def parse(text: str) -> list[Line]:
    """The lines of a settlement CSV (header `COLUMNS`, any order); ValidationError naming the
    first bad line."""
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (rows.fieldnames or [])]
    if missing:
        raise ValidationError(f"对账文件缺少列：{', '.join(missing)}（表头应为 "
                              f"{','.join(COLUMNS)}）", field="csv")
    lines = [_line(row, n) for n, row in enumerate(rows, start=2)]
    if not lines:
        raise ValidationError("对账文件没有数据行", field="csv")
    if len(lines) > MAX_LINES:
        raise ValidationError(f"对账文件最多 {MAX_LINES} 行", field="csv")
    return lines


def _line(row: dict[str, str], n: int) -> Line:
    order_no, txn = (row.get("order_no") or "").strip(), (row.get("txn_id") or "").strip()
    if not order_no or len(order_no) > 64 or not txn or len(txn) > 128:
        raise ValidationError(f"对账文件第 {n} 行：订单号和交易号不能为空", field="csv")
    try:
        amount, fee = int((row["amount_fen"] or "").strip()), int((row["fee_fen"] or "").strip())
    except ValueError:
        raise ValidationError(f"对账文件第 {n} 行：金额和手续费应为整数（分）",
                              field="csv") from None
    if amount < 0 or fee < 0:
        raise ValidationError(f"对账文件第 {n} 行：金额和手续费不能为负数", field="csv")
    try:
        day = parse_day(row.get("date"), "date")
    except ValidationError:
        raise ValidationError(f"对账文件第 {n} 行：日期应为 YYYY-MM-DD", field="csv") from None
    return Line(order_no, txn, amount, fee, day)


def import_settlement(session: Session, source: str, text: str, *, actor: str,
                      now: datetime) -> Imported:
    """Parse, match and store one settlement file of `source` (see the module docstring)."""
    source = (source or "").strip()
    if not source or len(source) > 32:
        raise ValidationError("请填写对账来源（渠道或支付机构，如 wechat、ota_meituan）",
                              field="source")
    lines = parse(text)
    counts = {MATCHED: 0, UNKNOWN_ORDER: 0, AMOUNT_DIFFERS: 0}
    skipped = 0
    with session.begin():
        seen = set(session.execute(sa.select(SettlementLine.txn_id).where(
            SettlementLine.source == source,
            SettlementLine.txn_id.in_({x.txn_id for x in lines}))).scalars())
        for line in lines:
            if line.txn_id in seen:
                skipped += 1
                continue
            seen.add(line.txn_id)
            status, payment_id = _match(session, line)
            counts[status] += 1
            session.add(SettlementLine(
                line_id=new_id(), source=source, order_no=line.order_no, txn_id=line.txn_id,
                amount_fen=line.amount_fen, fee_fen=line.fee_fen, settled_on=line.settled_on,
                status=status, payment_id=payment_id, imported_by=actor, imported_at=now))
    return Imported(source, len(lines), counts[MATCHED], counts[UNKNOWN_ORDER],
                    counts[AMOUNT_DIFFERS], skipped)


def _match(session: Session, line: Line) -> tuple[str, str | None]:
    payments = session.execute(
        sa.select(Payment.payment_id, Payment.amount_fen, Payment.provider_txn_id)
        .join(Order, Order.order_id == Payment.order_id)
        .where(Order.order_no == line.order_no, Payment.status.in_(measures.PAID_IN))
        .order_by(Payment.at, Payment.payment_no)).all()
    if not payments:
        known = session.execute(sa.select(Order.order_id).where(
            Order.order_no == line.order_no)).scalar()
        return (UNKNOWN_ORDER if known is None else AMOUNT_DIFFERS), None
    ranked = sorted(payments, key=lambda p: p.provider_txn_id != line.txn_id)
    for p in ranked:
        if p.amount_fen == line.amount_fen:
            return MATCHED, p.payment_id
    return AMOUNT_DIFFERS, ranked[0].payment_id
