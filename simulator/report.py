"""The end-of-run summary in Chinese, with the numbers behind it."""

from collections.abc import Mapping

CHANNEL_NAMES = {"ota_ctrip": "携程", "ota_meituan": "美团", "miniprogram": "小程序",
                 "website": "官网", "agency": "旅行社", "window": "窗口"}
OUTCOME_NAMES = {"valid": "有效", "duplicate": "重复", "refunded": "已退票", "invalid": "无效",
                 "failed": "失败", "replayed": "重放"}
FAULT_NAMES = {"lost_callback": "丢失回调", "late_callback": "迟到回调",
               "duplicate_callback": "重复回调", "duplicate_payment": "重复支付",
               "paid_no_order": "有款无单", "duplicate_redemption": "重复核销",
               "repeated_nonce": "重复 nonce", "offline_batch": "离线批量上传",
               "failed_redemption": "核销失败", "payment_failure": "支付失败回调",
               "left_paying": "支付无结果", "refund_left_waiting": "退票待审批无人处理",
               "refund_provider_fails": "原路退款失败", "refund_crosses_redemption": "离线退票撞核销",
               "oversold": "超售", "stock_not_deducted": "售出未扣库存",
               "refund_not_restored": "退票未回库存"}
PENDING_NAMES = {"callback": "支付回调", "late_callback": "迟到回调",
                 "duplicate_callback": "重复回调", "second_payment": "重复支付"}


def _group(stats: Mapping[str, int], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: n for k, n in sorted(stats.items())
            if k.startswith(prefix) and n}


def _line(title: str, items: Mapping[str, int], names: Mapping[str, str]) -> str:
    if not items:
        return f"{title}：0"
    parts = "，".join(f"{names.get(k, k)} {n}" for k, n in items.items())
    return f"{title}：{sum(items.values())}（{parts}）"


def summary(stats: Mapping[str, int], *, seconds: float,
            pending: Mapping[str, int] | None = None) -> str:
    """A few lines: orders by channel, callbacks, gate scans by outcome, faults injected,
    refusals by HTTP status, server errors, unreachable moments, delayed actions unsent."""
    orders = _group(stats, "orders.")
    replayed = orders.pop("replayed", 0)
    errors = _group(stats, "http.")
    server_errors = sum(n for k, n in errors.items() if k.startswith("5"))
    lines = [
        f"模拟结束：用时 {seconds:.1f} 秒，共 {stats.get('steps', 0)} 步",
        _line("渠道订单", orders, CHANNEL_NAMES) + (f"，重放 {replayed}" if replayed else ""),
        f"支付回调：已受理 {stats.get('callbacks.accepted', 0)}",
        _line("闸机核销", _group(stats, "redemptions."), OUTCOME_NAMES),
        _line("注入故障", _group(stats, "faults."), FAULT_NAMES),
        _line("被拒请求", {f"HTTP {k}": n for k, n in errors.items()}, {}),
        f"服务器错误（5xx）：{server_errors}；无法连接：{stats.get('unreachable', 0)} 次；"
        f"模拟出错：{stats.get('errors.unexpected', 0)}",
    ]
    if pending:
        lines.append(_line("尚未发送的延迟动作", dict(pending), PENDING_NAMES))
    return "\n".join(lines)
