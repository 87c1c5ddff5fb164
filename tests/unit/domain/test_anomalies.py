from datetime import UTC, datetime, timedelta

import pytest

from app.domain.anomalies import KINDS, Category, amount_at_stake, device_ids, priority

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def test_catalogue_matches_design_table():
    assert set(KINDS) == {
        "paid_no_order", "payment_failed_order_open", "duplicate_payment",
        "paid_inventory_not_deducted", "redeem_failed", "duplicate_redemption",
        "redeemed_after_refund", "refund_not_processed", "refund_failed",
        "refund_inventory_not_restored", "oversold", "price_mismatch", "refund_mismatch",
        "manual_flag"}
    assert KINDS["duplicate_payment"].fixes == ("refund_duplicate",)
    assert KINDS["oversold"].category is Category.INVENTORY
    assert (KINDS["price_mismatch"].category, KINDS["price_mismatch"].fixes) == (
        Category.PAYMENT, ("mark_resolved",))
    assert (KINDS["refund_mismatch"].category, KINDS["refund_mismatch"].fixes) == (
        Category.REFUND, ("mark_resolved",))
    assert (KINDS["manual_flag"].category, KINDS["manual_flag"].fixes,
            KINDS["manual_flag"].label_zh) == (Category.PAYMENT, ("mark_resolved",),
                                               "人工标记异常")


def test_priority_orders_by_category_then_amount_then_age():
    pay = priority("duplicate_payment", 100, NOW, NOW)
    inv = priority("oversold", 10**9, NOW - timedelta(days=30), NOW)
    assert pay > inv
    assert priority("redeem_failed", 20000, NOW, NOW) > priority("redeem_failed", 100, NOW, NOW)
    older = priority("redeem_failed", 100, NOW - timedelta(hours=1), NOW)
    assert older > priority("redeem_failed", 100, NOW, NOW)


def test_a_manual_flag_weighs_as_the_category_chosen():
    assert priority("manual_flag", 0, NOW, NOW) == 4000  # payment, the kind's default
    assert priority("manual_flag", 0, NOW, NOW, "inventory") == 1000
    assert priority("manual_flag", 500, NOW, NOW, "refund") == 3005


@pytest.mark.parametrize(("evidence", "devices"), [
    ({}, []),
    ({"provider": "wechat", "terminal": "01"}, []),  # a provider or a terminal is no device
    ({"device_id": "W01"}, ["W01"]),  # the window that sold
    ({"device_id": "gate-2", "first_redeemed_by": "gate-1"}, ["gate-2", "gate-1"]),
    ({"first_redeemed_by": "gate-1", "device_id": "gate-2"}, ["gate-2", "gate-1"]),
    ({"redeemed_by": "gate-3"}, ["gate-3"]),  # redeemed, then refunded offline
    ({"device_id": "gate-1", "first_redeemed_by": "gate-1"}, ["gate-1"]),  # once
    ({"device_id": None, "first_redeemed_by": "", "redeemed_by": "gate-3"}, ["gate-3"]),
    ({"device_id": 7}, ["7"]),
])
def test_device_ids_names_each_device_of_the_evidence_once(evidence, devices):
    assert device_ids(evidence) == devices


@pytest.mark.parametrize(("evidence", "amount"), [
    ({"amount_fen": 20000}, 20000),
    ({"amount_fen": 0}, 0),  # what the priority was computed from, even nothing
    ({}, None),
    ({"amount_fen": None}, None),
    ({"amount_fen": "100"}, None),
    ({"amount_fen": 1.5}, None),
    ({"amount_fen": True}, None),  # a flag is not money
    ({"expected_fen": 5000, "refund_no": "R1"}, None),  # no other field stands in
])
def test_amount_at_stake_is_the_evidence_amount(evidence, amount):
    assert amount_at_stake(evidence) == amount
