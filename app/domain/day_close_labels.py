"""The Chinese words of the day close, one table each for the screen's store side, the
printed day report and the Excel file, so paper, file and screen name a discrepancy alike:
the discrepancy kinds (`app.services.reports.day_close_checks`, and `late_entry`), the late
entry kinds, the totals, payment methods, channels as the reports print them, and settlement sources."""

DISCREPANCY_LABELS_ZH = {
    "unsettled": "支付未结算",
    "ota_unsettled": "OTA 未结算",
    "settlement_unknown_order": "结算单无此订单",
    "settlement_amount_differs": "结算金额不符",
    "settlement_duplicate": "重复结算",
    "refund_processing": "退款处理中",
    "cash_refund_other_drawer": "他窗现金退款",
    "cash_outside_shift": "班次外现金",
    "shift_open": "班次未交班",
    "sync_behind": "窗口未同步",
    "shift_report_differs": "交班报告与中心记录不符",
    "payment_ticket_mismatch": "收款与门票不符",
    "late_entry": "日结后补录",
}
LATE_LABELS_ZH = {"payment": "收款", "refund": "退款", "shift": "交班"}
# the day's totals (`totals` of the day close), in the order the file and the messages give them
TOTAL_LABELS_ZH = {"paid_fen": "收款合计", "refunded_fen": "退款合计", "net_fen": "净收入",
                   "cash_expected_fen": "应有现金", "cash_counted_fen": "实点现金",
                   "variance_fen": "现金差异"}
METHOD_LABELS_ZH = {"cash": "现金", "wechat": "微信支付", "alipay": "支付宝", "ota": "OTA",
                    "voucher": "代金券"}
# the reports' short channel names (a window's sales are 窗口 beside its window number)
REPORT_CHANNELS_ZH = {"window": "窗口", "miniprogram": "小程序", "website": "官网",
                      "ota_ctrip": "携程", "ota_meituan": "美团", "agency": "旅行社"}
SOURCE_LABELS_ZH = {"wechat": "微信支付", "alipay": "支付宝", "ota_ctrip": "携程",
                    "ota_meituan": "美团"}


def source_label(source: str) -> str:
    """A settlement file's source in Chinese (any other source as it was imported)."""
    return SOURCE_LABELS_ZH.get(source, source)
