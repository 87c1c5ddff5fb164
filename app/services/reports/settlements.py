"""`POST /reports/settlements`: the settlement file of one channel or payment provider
(`source`, e.g. `wechat`, `alipay`, `ota_meituan`), a CSV with the header
`order_no,txn_id,amount_fen,fee_fen,date` — the store's order number, the provider's
transaction id, the amount settled and the provider's fee in integer fen, the settlement's
venue-local date `YYYY-MM-DD` — matched against the store's payments line by line:

- `matched`: the order exists and one of its paid-in payments (`measures.PAID_IN`) has that
  amount (the payment whose `provider_txn_id` is the line's txn_id first);
- `unknown_order`: no such order; `amount_differs`: the order exists, no payment of it has
  that amount (the line is kept with the order's first paid-in payment);
- `duplicate`: the order's payments of that amount are all matched by other lines already
  (another txn id settling the same money twice; kept with that payment).

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
from app.domain.money import MAX_FEN, format_fen
from app.store.models import Order, Payment, SettlementLine

from . import measures
from .periods import parse_day

COLUMNS = ("order_no", "txn_id", "amount_fen", "fee_fen", "date")
MAX_LINES = 100_000
CHUNK = 1000
MATCHED, UNKNOWN_ORDER, AMOUNT_DIFFERS = "matched", "unknown_order", "amount_differs"
DUPLICATE = "duplicate"  # a payment another line (another txn id) settled already


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
    duplicate: int = 0  # a payment another line settled already

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def parse(text: str) -> list[Line]:
    """The lines of a settlement CSV (header `COLUMNS`, any order, other columns ignored);
    ValidationError naming the first bad line: an empty file, a header without the columns, a
    line with more or fewer fields than the header, an empty order number or txn id, an amount
    or fee that is not a whole number of fen in 0..MAX_FEN, a date that is not YYYY-MM-DD, the
    same txn_id twice in the file."""
    text = (text or "").lstrip("\ufeff")
    if not text.strip():
        raise ValidationError(f"对账文件是空的（第一行应为表头 {','.join(COLUMNS)}）",
                              field="csv")
    rows = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in [(f or "").strip() for f in rows.fieldnames or []]]
    if missing:
        raise ValidationError(f"对账文件缺少列：{', '.join(missing)}（表头应为 "
                              f"{','.join(COLUMNS)}）", field="csv")
    rows.fieldnames = [(f or "").strip() for f in rows.fieldnames or []]
    lines: list[Line] = []
    first: dict[str, int] = {}
    for row in rows:
        n = rows.line_num
        if len(lines) >= MAX_LINES:
            raise ValidationError(f"对账文件最多 {MAX_LINES} 行", field="csv")
        line = _line(row, n, len(rows.fieldnames))
        if line.txn_id in first:
            raise ValidationError(f"对账文件第 {n} 行：交易号 {line.txn_id[:40]} 与第 "
                                  f"{first[line.txn_id]} 行重复", field="csv")
        first[line.txn_id] = n
        lines.append(line)
    if not lines:
        raise ValidationError("对账文件只有表头，没有数据行", field="csv")
    return lines


def _line(row: dict[str, str], n: int, width: int) -> Line:
    if None in row or any(v is None for v in row.values()):
        got = sum(1 for k, v in row.items() if k is not None and v is not None) \
            + len(row.get(None) or [])
        raise ValidationError(f"对账文件第 {n} 行有 {got} 列，表头有 {width} 列", field="csv")
    order_no, txn = (row.get("order_no") or "").strip(), (row.get("txn_id") or "").strip()
    if not order_no or len(order_no) > 64 or not txn or len(txn) > 128:
        raise ValidationError(f"对账文件第 {n} 行：订单号和交易号不能为空（订单号最长 64 个"
                              f"字符，交易号最长 128 个字符）", field="csv")
    amount, fee = _fen(row["amount_fen"], n, "金额"), _fen(row["fee_fen"], n, "手续费")
    try:
        day = parse_day(row.get("date"), "date")
    except ValidationError:
        raise ValidationError(f"对账文件第 {n} 行：日期 {str(row.get('date'))[:20]} 不正确，"
                              f"应为 YYYY-MM-DD", field="csv") from None
    return Line(order_no, txn, amount, fee, day)


def _fen(text: str, n: int, what: str) -> int:
    """A whole number of fen, 0..MAX_FEN (`12.50` or `-1` is refused, naming the line)."""
    value = (text or "").strip()
    if not value.isascii() or not value.isdigit():
        raise ValidationError(f"对账文件第 {n} 行：{what} {value[:20] or '（空）'} 不正确，应为"
                              f"不小于 0 的整数（单位：分，如 ¥12.50 写 1250）", field="csv")
    if int(value) > MAX_FEN:
        raise ValidationError(f"对账文件第 {n} 行：{what} {value[:20]} 超过上限 "
                              f"{format_fen(MAX_FEN)}", field="csv")
    return int(value)


def import_settlement(session: Session, source: str, text: str, *, actor: str,
                      now: datetime) -> Imported:
    """Parse, match and store one settlement file of `source` (see the module docstring)."""
    source = (source or "").strip()
    if not source or len(source) > 32:
        raise ValidationError("请填写对账来源（渠道或支付机构，如 wechat、ota_meituan）",
                              field="source")
    lines = parse(text)
    counts = {MATCHED: 0, UNKNOWN_ORDER: 0, AMOUNT_DIFFERS: 0, DUPLICATE: 0}
    skipped = 0
    with session.begin():
        seen = _imported(session, source, [x.txn_id for x in lines])
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
                    counts[AMOUNT_DIFFERS], skipped, counts[DUPLICATE])


def _imported(session: Session, source: str, txn_ids: list[str]) -> set[str]:
    """The txn ids of `source` imported before, asked in chunks (an engine caps the
    parameters of one statement)."""
    found: set[str] = set()
    for i in range(0, len(txn_ids), CHUNK):
        found.update(session.execute(sa.select(SettlementLine.txn_id).where(
            SettlementLine.source == source,
            SettlementLine.txn_id.in_(txn_ids[i:i + CHUNK]))).scalars())
    return found


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
    taken = set(session.execute(sa.select(SettlementLine.payment_id).where(
        SettlementLine.status == MATCHED,
        SettlementLine.payment_id.in_([p.payment_id for p in payments]))).scalars())
    ranked = sorted(payments, key=lambda p: p.provider_txn_id != line.txn_id)
    same = [p for p in ranked if p.amount_fen == line.amount_fen]
    for p in same:
        if p.payment_id not in taken:
            return MATCHED, p.payment_id
    if same:  # every payment of that amount is settled by another line already
        return DUPLICATE, same[0].payment_id
    return AMOUNT_DIFFERS, ranked[0].payment_id
