from datetime import UTC, datetime, timedelta

from app.domain.anomalies import KINDS, Category, priority

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def test_catalogue_matches_design_table():
    assert set(KINDS) == {
        "paid_no_order", "payment_failed_order_open", "duplicate_payment",
        "paid_inventory_not_deducted", "redeem_failed", "duplicate_redemption",
        "redeemed_after_refund", "refund_not_processed", "refund_failed",
        "refund_inventory_not_restored", "oversold"}
    assert KINDS["duplicate_payment"].fixes == ("refund_duplicate",)
    assert KINDS["oversold"].category is Category.INVENTORY


def test_priority_orders_by_category_then_amount_then_age():
    pay = priority("duplicate_payment", 100, NOW, NOW)
    inv = priority("oversold", 10**9, NOW - timedelta(days=30), NOW)
    assert pay > inv
    assert priority("redeem_failed", 20000, NOW, NOW) > priority("redeem_failed", 100, NOW, NOW)
    older = priority("redeem_failed", 100, NOW - timedelta(hours=1), NOW)
    assert older > priority("redeem_failed", 100, NOW, NOW)
