"""The one reader of pushed payloads: ids, text, fen, counts, dates and instants. A window's
JSON is believed in nothing: every value is checked for its type and range, and a refusal is a
ValidationError naming the field in the words of the record it belongs to (售票记录, 班次记录…),
so the op is `rejected` — never an exception the window would take for a passing fault.

Who pushed is believed only from the token (DESIGN.md §14): `Pushed` carries its user, role,
device and terminal; `check_pusher` admits clerk+ on a window (a device and a terminal) and
nobody else, and `Fields.own` refuses (Forbidden) a payload naming another clerk, terminal or
device. A sale or refund dated more than `OFFLINE_WINDOW` before the store's now is
`rejected`; one dated after it is taken at the store's now (a window's clock may run fast:
DESIGN.md §9 flags it, and order comes from `seq`).

Instants must carry a zone and exist in UTC: `0001-01-01T00:00+14:00` is a valid ISO string
whose UTC instant falls before year 1, and converting it raises OverflowError."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.domain import actors, op_signing
from app.domain.catalog import TicketType
from app.domain.errors import Forbidden, ValidationError
from app.domain.ids import normalize_terminal
from app.domain.money import MAX_FEN
from app.domain.venue import Venue

# How long a window may stay offline and still have its sales and refunds taken (DESIGN.md
# §14 "the device's offline window"): ops dated longer ago are `rejected` — a backdated refund
# would be quoted at an earlier, cheaper instant. A window offline longer is counted by hand.
OFFLINE_WINDOW = timedelta(days=7)
PUSHERS = op_signing.SIGNER_ROLES  # "clerk+" of DESIGN.md §8
NOT_A_WINDOW = "只有在窗口设备上登录的售票员（及以上）可以推送操作"
GATE_PUSH = "闸机账号不能推送窗口操作（核销请用 POST /redemptions）"


@dataclass(frozen=True)
class Pushed:
    """Who pushed an op, and when the store received it: user, role, device and terminal
    come from the token, never from the payload."""

    device_id: str
    user: str
    now: datetime
    venue: Venue
    terminal: str | None = None
    role: str = "clerk"
    # in a group of ops applied in one transaction (`apply.apply_group`): the catalog, read
    # once for the group
    catalog: Mapping[str, TicketType] | None = None
    stock: Any = None  # and its free capacity taken at its end (`group_stock.GroupStock`)

    @property
    def grouped(self) -> bool:
        return self.catalog is not None

    @property
    def actor(self) -> str:
        """The timeline actor of everything this push writes."""
        return actors.user(self.user)

    def check_pusher(self) -> None:
        """Forbidden unless clerk+ signed in on a window (a device with a terminal)."""
        if self.role == "gate":
            raise Forbidden(GATE_PUSH)
        if self.role not in PUSHERS or not self.device_id or not self.terminal:
            raise Forbidden(NOT_A_WINDOW)


def instant(value: Any) -> datetime | None:
    """The aware UTC datetime of an ISO 8601 string with a zone, else None."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return at.astimezone(UTC) if at.tzinfo is not None else None
    except (ValueError, OverflowError):  # OverflowError: no UTC instant (see the docstring)
        return None


def uuid_text(value: Any) -> str | None:
    """The canonical text of a UUID, else None."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _same(name: str, value: str) -> str:
    """A terminal compares as `normalize_terminal` writes it; anything else as given."""
    if name != "terminal":
        return value.strip()
    try:
        return normalize_terminal(value)
    except ValueError:
        return "\0" + value  # never equal to a valid terminal


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Fields:
    """One payload (or a nested object of it), read field by field."""

    def __init__(self, payload: Any, record: str) -> None:
        if not isinstance(payload, Mapping):
            raise ValidationError(f"{record}的内容必须是对象", field="payload")
        self.raw, self.record = payload, record

    def bad(self, name: str, problem: str = "缺失或不正确") -> ValidationError:
        """The refusal of field `name`."""
        return ValidationError(f"{self.record}的字段 {name} {problem}", field=name)

    def present(self, name: str) -> bool:
        return self.raw.get(name) is not None

    def text(self, name: str, limit: int) -> str:
        """A non-blank string of at most `limit` characters, stripped."""
        value = self.raw.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise self.bad(name)
        return value.strip()

    def optional_text(self, name: str, limit: int) -> str | None:
        return self.text(name, limit) if self.present(name) else None

    def id(self, name: str) -> str:
        """A UUID, as canonical text."""
        if (value := uuid_text(self.raw.get(name))) is None:
            raise self.bad(name, "不是有效的编号")
        return value

    def ids(self, name: str, limit: int) -> tuple[str, ...]:
        """A non-empty list of at most `limit` distinct UUIDs."""
        given = self.raw.get(name)
        if not isinstance(given, list) or not 0 < len(given) <= limit:
            raise self.bad(name)
        out = tuple(v for v in map(uuid_text, given) if v is not None)
        if len(out) != len(given) or len(set(out)) != len(out):
            raise self.bad(name, "含无效或重复的编号")
        return out

    def instant(self, name: str) -> datetime:
        """An instant with a zone that exists in UTC, as aware UTC."""
        if (at := instant(self.raw.get(name))) is None:
            raise self.bad(name, "不是带时区的有效时间")
        return at

    def bounded_instant(self, name: str, now: datetime) -> datetime:
        """An instant no earlier than now - OFFLINE_WINDOW, taken as `now` when it is later
        (see the module docstring)."""
        at = self.instant(name)
        if at < now - OFFLINE_WINDOW:
            raise self.bad(name, f"早于 {OFFLINE_WINDOW.days} 天的离线期限，中心库不再受理")
        return min(at, now)

    def own(self, name: str, mine: str | None, words: str) -> None:
        """Forbidden when the payload names another `words` (登录用户, 终端…) than `mine`,
        the token's; an absent field is fine (the token's is used)."""
        given = self.raw.get(name)
        if given is None:
            return
        if not isinstance(given, str) or _same(name, given) != _same(name, mine or ""):
            raise Forbidden(f"{self.record}的 {name}（{str(given)[:40]}）与{words}"
                            f"（{mine or '无'}）不一致，已拒绝")

    def optional_instant(self, name: str) -> datetime | None:
        return self.instant(name) if self.present(name) else None

    def day(self, name: str) -> date:
        """A date, ISO 8601."""
        value = self.raw.get(name)
        try:
            if isinstance(value, str):
                return date.fromisoformat(value)
        except ValueError:
            pass
        raise self.bad(name, "不是有效的日期")

    def fen(self, name: str, *, signed: bool = False, default: int | None = None) -> int:
        """Money in fen within ±MAX_FEN (never negative unless `signed`)."""
        value = self.raw.get(name, default)
        if not _is_int(value) or abs(value) > MAX_FEN or (value < 0 and not signed):
            raise self.bad(name, "金额无效")
        return value

    def count(self, name: str) -> int:
        """An integer (ranges are the caller's rule)."""
        value = self.raw.get(name)
        if not _is_int(value):
            raise self.bad(name)
        return value

    def optional_count(self, name: str) -> int | None:
        return self.count(name) if self.present(name) else None

    def items(self, name: str, limit: int = 200) -> list[Any]:
        """A list of at most `limit` entries."""
        value = self.raw.get(name)
        if not isinstance(value, list) or len(value) > limit:
            raise self.bad(name)
        return value

    def nested(self, name: str) -> "Fields":
        """A nested object, read with the same record's words."""
        if not isinstance(self.raw.get(name), Mapping):
            raise self.bad(name)
        return Fields(self.raw[name], self.record)

    def optional_nested(self, name: str) -> "Fields | None":
        return self.nested(name) if self.present(name) else None

    def each(self, name: str, limit: int = 200) -> list["Fields"]:
        """A list of objects."""
        out = []
        for item in self.items(name, limit):
            if not isinstance(item, Mapping):
                raise self.bad(name)
            out.append(Fields(item, self.record))
        return out
