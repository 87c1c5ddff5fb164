"""What a ticket type may be (DESIGN.md §2, §15): the rules an admin's new or changed type must
pass before the store holds it next to the others. Pure: values in, a ValidationError or
Conflict with a Chinese message out.

- kinds: `regular`, `special`, `pass` (uses_total ≥ 1), `group` (min_group_size ≥ 1, at most
  what one sale may hold); only a pass has uses, only a group a minimum;
- a package (套票) is a type with components: 2–10 existing, non-package types (a code may
  repeat: 双人票 = ADULT + ADULT), none of them a group type, all on sale while the package is;
  a package is never a pass itself (its pass components carry the uses);
- a type that is a component of a package stays a non-package, and is not taken off sale
  while such a package is on sale.
"""

import re
from collections.abc import Mapping

from .catalog import MAX_LINE_QTY, TicketKind, TicketType
from .errors import Conflict, ValidationError

CODE = re.compile(r"^[A-Z0-9_-]{1,32}$")
MAX_NAME = 64
MAX_PRICE_FEN = 100_000_000  # ¥1,000,000 for one ticket: anything above is a typing slip
MAX_USES = 1000
MIN_COMPONENTS, MAX_COMPONENTS = 2, 10
KIND_LABELS_ZH = {TicketKind.REGULAR: "普通票", TicketKind.SPECIAL: "特价票",
                  TicketKind.PASS: "年卡/次卡", TicketKind.GROUP: "团队票"}


def parse_kind(text: object) -> TicketKind:
    """The kind named by `text`; ValidationError naming the allowed ones."""
    try:
        return TicketKind(text)
    except ValueError:
        allowed = "、".join(f"{k.value}（{label}）" for k, label in KIND_LABELS_ZH.items())
        raise ValidationError(f"票种类型必须是 {allowed} 之一", field="kind") from None


def normalize_code(text: str) -> str:
    """A code as stored: trimmed, upper-case; ValidationError when it is not one."""
    code = text.strip().upper() if isinstance(text, str) else ""
    if not CODE.match(code):
        raise ValidationError("票种代码只能用字母、数字、- 和 _，最长 32 个字符", field="code")
    return code


def check_type(tt: TicketType, catalog: Mapping[str, TicketType]) -> None:
    """Refuse `tt` unless it may stand in `catalog` (the other types; its own old self, if any,
    is ignored)."""
    others = {c: t for c, t in catalog.items() if c != tt.code}
    _check_fields(tt)
    if tt.is_package:
        _check_components(tt, others)
    _check_as_component(tt, others)


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_fields(tt: TicketType) -> None:
    normalize_code(tt.code)
    if not isinstance(tt.name, str) or not tt.name.strip() or len(tt.name) > MAX_NAME:
        raise ValidationError(f"票种名称不能为空，最长 {MAX_NAME} 个字符", field="name")
    parse_kind(tt.kind)
    if not _int(tt.price_fen) or tt.price_fen < 0:
        raise ValidationError("票价必须是不小于 0 的整数（分）", field="price_fen")
    if tt.price_fen > MAX_PRICE_FEN:
        raise ValidationError("票价不能超过 ¥1,000,000.00", field="price_fen")
    if not _int(tt.uses_total) or not 1 <= tt.uses_total <= MAX_USES:
        raise ValidationError(f"可用次数必须是 1–{MAX_USES} 的整数", field="uses_total")
    if tt.uses_total != 1 and tt.kind is not TicketKind.PASS:
        raise ValidationError("只有年卡/次卡（pass）才有可用次数", field="uses_total")
    if not _int(tt.min_group_size) or not 1 <= tt.min_group_size <= MAX_LINE_QTY:
        raise ValidationError(f"团队最少人数必须是 1–{MAX_LINE_QTY} 的整数",
                              field="min_group_size")
    if tt.min_group_size != 1 and tt.kind is not TicketKind.GROUP:
        raise ValidationError("只有团队票（group）才有最少人数", field="min_group_size")


def _check_components(tt: TicketType, others: Mapping[str, TicketType]) -> None:
    if not MIN_COMPONENTS <= len(tt.components) <= MAX_COMPONENTS:
        raise ValidationError(f"套票由 {MIN_COMPONENTS}–{MAX_COMPONENTS} 张票组成",
                              field="components")
    if tt.kind is TicketKind.PASS:
        raise ValidationError("套票本身不能是年卡/次卡；可把年卡作为组成票种",
                              field="kind")
    for code in tt.components:
        part = others.get(code)
        if code == tt.code:
            raise ValidationError("套票不能包含它自己", field="components")
        if part is None:
            raise ValidationError(f"套票的组成票种 {code} 不存在", field="components")
        if part.is_package:
            raise ValidationError(f"{part.name}（{code}）本身是套票，不能作为套票的组成",
                                  field="components")
        if part.kind is TicketKind.GROUP:
            raise ValidationError(f"团队票{part.name}（{code}）不能作为套票的组成",
                                  field="components")
        if tt.active and not part.active:
            raise ValidationError(f"组成票种{part.name}（{code}）已停售，套票不能上架",
                                  field="components")


def _check_as_component(tt: TicketType, others: Mapping[str, TicketType]) -> None:
    """`tt` as a part of the packages that name it."""
    for package in others.values():
        if tt.code not in package.components:
            continue
        if tt.is_package:
            raise ValidationError(f"{tt.name}是套票{package.name}的组成票种，不能改为套票",
                                  field="components")
        if tt.kind is TicketKind.GROUP:
            raise ValidationError(f"{tt.name}是套票{package.name}的组成票种，不能改为团队票",
                                  field="kind")
        if package.active and not tt.active:
            raise Conflict(f"{tt.name}是在售套票{package.name}的组成票种，请先停售该套票",
                           field="active")
