"""Values of evidence and timeline details in words (the Anomalies view, the order timeline):
codes (methods, channels, statuses, kinds, fixes, rules, ticket types) by their names, money
as ¥, instants in the venue's time to the minute, nested records as `名称：值` pairs. Codes
use the catalogue's own Chinese (app.domain) when the client speaks Chinese, as kinds and
order statuses do; ticket types use the names of this window's catalogue. An unknown code
stays readable (underscores to spaces), and nothing here raises on odd input."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QLocale

from app.domain.anomalies import CATEGORY_LABELS_ZH, FIX_LABELS_ZH, KINDS
from app.domain.ids import CHANNEL_LABELS_ZH
from app.domain.lifecycle import STATUS_LABELS_ZH, TICKET_LABELS_ZH
from app.domain.money import format_fen
from app.domain.refunds import RULE_LABELS_ZH

Local = Callable[[datetime], datetime]
MINUTES = "%Y-%m-%d %H:%M"

METHOD_ZH = {"cash": "现金", "wechat": "微信支付", "alipay": "支付宝", "ota": "OTA 平台",
             "voucher": "代金券", "card": "银行卡"}
CHANNEL_ZH = CHANNEL_LABELS_ZH
SOURCE_ZH = {"window": "窗口", "server": "中心库", "gate": "闸机", "channel": "渠道",
             "provider": "支付渠道", "sync": "同步", "admin": "管理"}
ROLE_ZH = {"clerk": "售票员", "supervisor": "主管", "finance": "财务", "admin": "管理员",
           "gate": "闸机"}
# statuses of refunds, payments, anomalies, print jobs and gate answers (orders and tickets
# have their own in app.domain.lifecycle)
OTHER_STATUS_ZH = {
    "requested": "已申请", "awaiting_approval": "待审批", "approved": "已批准",
    "processing": "退款中", "submitted": "已提交平台", "succeeded": "成功", "failed": "失败",
    "rejected": "已驳回", "started": "已发起", "open": "待处理", "resolved": "已处理",
    "dismissed": "已忽略", "pending": "处理中", "success": "成功", "not_found": "查无此笔",
    "unknown": "未知", "valid": "有效", "duplicate": "重复核销", "invalid": "无效票",
    "ok": "通过", "done": "完成", "locked": "已锁定",
}
OTHER_RULES_ZH = {"override": "手工调整手续费", "force_majeure": "不可抗力",
                  "paid_no_order": "支付无对应订单", "duplicate_payment": "重复支付",
                  "order_cancelled": "订单已取消", "anomaly_fix": "异常处理",
                  "expired_unpaid": "超时未支付"}
YES_NO_ZH = ("否", "是")
# ids for machines, not for people (also inside nested records)
HIDDEN = frozenset({"ticket_id", "payment_id", "refund_id", "nonce", "attach", "ticket_ids",
                    "anomaly_id", "order_id", "sealed", "evidence"})

_ticket_names: dict[str, str] = {}
_CODE = re.compile(r"^[A-Za-z][A-Za-z_]*$")  # a word of letters and underscores: a code


def chinese() -> bool:
    return QLocale().language() == QLocale.Language.Chinese


def remember_ticket_names(names: Mapping[str, str]) -> None:
    """The catalogue's names (`ADULT` → 成人票), from this window's database."""
    _ticket_names.update({str(k): str(v) for k, v in names.items() if v})


def readable(code: str) -> str:
    """An unknown code, readable: `some_code` → `some code`."""
    return code.replace("_", " ").strip() or code


def _named(code: Any, *maps: Mapping[str, str]) -> str:
    text = str(code)
    if chinese():
        for names in maps:
            if text in names:
                return names[text]
    return readable(text) if _CODE.match(text) else text


def ticket_type_text(code: Any) -> str:
    return _ticket_names.get(str(code)) or readable(str(code))


def method_text(code: Any) -> str:
    return _named(code, METHOD_ZH, CHANNEL_ZH)  # an OTA's payments name the OTA


def channel_text(code: Any) -> str:
    return _named(code, CHANNEL_ZH)


def source_text(code: Any) -> str:
    return _named(code, SOURCE_ZH)


def status_text(code: Any) -> str:
    return _named(code, STATUS_LABELS_ZH, TICKET_LABELS_ZH, OTHER_STATUS_ZH)


def rule_text(code: Any) -> str:
    return "；".join(_named(r.strip(), RULE_LABELS_ZH, OTHER_RULES_ZH)
                    for r in str(code).split(",") if r.strip())


def fix_text(code: Any) -> str:
    return _named(code, FIX_LABELS_ZH)


def kind_text(code: Any) -> str:
    return _named(code, {k: v.label_zh for k, v in KINDS.items()})


def any_code_text(code: str) -> str:
    """A code whose field gives no hint: whichever catalogue knows it."""
    if code in _ticket_names:
        return _ticket_names[code]
    return _named(code, FIX_LABELS_ZH, {k: v.label_zh for k, v in KINDS.items()},
                  CATEGORY_LABELS_ZH, METHOD_ZH, CHANNEL_ZH, STATUS_LABELS_ZH,
                  TICKET_LABELS_ZH, OTHER_STATUS_ZH, RULE_LABELS_ZH, OTHER_RULES_ZH, ROLE_ZH)


def actor_text(actor: str, devices: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """`device:gate-1` with its location when known (`gate-1（南门闸机1号）`), a channel or a
    provider by its name, `system` as 系统, a user by name."""
    kind, _, name = str(actor).partition(":")
    if not name:
        return "系统" if kind == "system" and chinese() else readable(kind)
    if kind == "device":
        where = ((devices or {}).get(name) or {}).get("location")
        return f"{name}（{where}）" if where else name
    if kind == "channel":
        return channel_text(name)
    if kind == "provider":
        return method_text(name)
    return name


_BY_KEY: dict[str, Callable[[Any], str]] = {
    "method": method_text, "provider": method_text, "payment_method": method_text,
    "route": method_text, "from_method": method_text, "to_method": method_text,
    "channel": channel_text, "source": source_text, "status": status_text,
    "gate_result": status_text, "outcome": status_text, "result": status_text,
    "rule": rule_text, "action": fix_text, "fix": fix_text, "fixes": fix_text,
    "kind": kind_text, "category": lambda c: _named(c, CATEGORY_LABELS_ZH),
    "ticket_type": ticket_type_text, "role": lambda c: _named(c, ROLE_ZH),
    "as": lambda c: _named(c, ROLE_ZH), "actor": actor_text,
}


def local_text(iso: str | None, local: Local, fmt: str = MINUTES) -> str:
    """An ISO instant (`…Z` or with an offset) in the venue's time; unparseable text as is."""
    if not iso:
        return ""
    try:
        at = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    return local(at).strftime(fmt) if at.tzinfo else str(iso)


def value_text(key: str, value: Any, local: Local,
               field_label: Callable[[str], str] = readable) -> str:
    """One value for people (see the module docstring); `field_label` names nested keys."""
    if isinstance(value, bool):
        return YES_NO_ZH[value] if chinese() else ("no", "yes")[value]
    if isinstance(value, int) and (key.endswith("_fen") or key == "amount"):
        return format_fen(value)
    if isinstance(value, int) and key.endswith("_bp"):
        return f"{value / 100:g}%"
    if isinstance(value, str) and (key.endswith("_at") or key == "at"):
        return local_text(value, local)
    if isinstance(value, list):
        if value and all(isinstance(v, Mapping) and "ticket_type" in v for v in value):
            return "、".join(_line_text(v) for v in value)
        return "、".join(value_text(key, v, local, field_label) for v in value)
    if isinstance(value, Mapping):
        return "；".join(f"{field_label(str(k))}：{value_text(str(k), v, local, field_label)}"
                        for k, v in value.items()
                        if v not in (None, "", [], {}) and str(k) not in HIDDEN)
    if key in _BY_KEY:
        return _BY_KEY[key](value)
    text = str(value)
    return any_code_text(text) if _CODE.match(text) else text


def _line_text(line: Mapping[str, Any]) -> str:
    """A line or a ticket of an order: `成人票 ×2`, `成人票 ¥100.00`."""
    name = line.get("name") or ticket_type_text(line.get("ticket_type", ""))
    if "qty" in line:
        return f"{name} ×{line['qty']}"
    if isinstance(line.get("price_fen"), int):
        return f"{name} {format_fen(line['price_fen'])}"
    return str(name)
