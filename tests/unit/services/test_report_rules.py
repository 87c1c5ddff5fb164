"""The pure parts of the reports (app.services.reports): the dates a report accepts and the
instants that bound them, the median of resolution times (half-up to 0.1 minute), and the
short labels of the holds that sent a refund to a person."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.errors import ValidationError
from app.domain.venue import Venue
from app.services.reports.anomaly_report import median_minutes
from app.services.reports.measures import per_day, rate_bp
from app.services.reports.periods import MAX_DAYS, date_range, one_day, parse_day
from app.services.reports.refund_report import hold_label

VENUE = Venue()


def test_a_local_day_is_the_instants_between_two_local_midnights():
    p = one_day("2026-11-21", VENUE)
    assert (p.start, p.end, p.days) == (datetime(2026, 11, 20, 16, tzinfo=UTC),
                                        datetime(2026, 11, 21, 16, tzinfo=UTC), 1)
    assert datetime(2026, 11, 20, 15, 59, 59, tzinfo=UTC) not in p
    assert datetime(2026, 11, 20, 16, tzinfo=UTC) in p
    assert p.local_hour(datetime(2026, 11, 21, 15, 59, tzinfo=UTC)) == 23


@pytest.mark.parametrize("text", ["", " ", None, "2026-2-3", "20261121", "2026-02-30",
                                  "2026-11-21T00:00", "1700000000", "２０２６-11-21"])
def test_only_real_iso_dates_are_accepted(text):
    with pytest.raises(ValidationError) as err:
        parse_day(text, "date")
    assert err.value.detail["field"] == "date" and "日期" in err.value.message


def test_a_range_runs_forward_and_at_most_366_days():
    assert date_range("2026-01-01", "2027-01-01", VENUE).days == MAX_DAYS == 366
    with pytest.raises(ValidationError, match="366"):
        date_range("2026-01-01", "2027-01-02", VENUE)
    with pytest.raises(ValidationError, match="不能晚于"):
        date_range("2026-11-22", "2026-11-21", VENUE)


@pytest.mark.parametrize(("spans", "minutes"), [
    ([], None),
    ([timedelta(minutes=10)], 10.0),
    ([timedelta(minutes=10), timedelta(minutes=20)], 15.0),  # even: the mean of the middle two
    ([timedelta(hours=1), timedelta(minutes=10), timedelta(minutes=20)], 20.0),
    ([timedelta(seconds=15)], 0.3),  # 0.25 half-up (round() gives 0.2)
    ([timedelta(seconds=3), timedelta(seconds=4)], 0.1),  # 3.5 s = 0.058…
])
def test_median_minutes(spans, minutes):
    assert median_minutes(spans) == minutes


def test_rates_and_per_day_round_half_up():
    assert (rate_bp(1, 3), rate_bp(2, 3), rate_bp(1, 8), rate_bp(0, 0)) == (3333, 6667, 1250, 0)
    assert (per_day(1, 8), per_day(5, 8), per_day(0, 3)) == (0.13, 0.63, 0.0)


@pytest.mark.parametrize(("hold", "label"), [  # the sentences of refund_quotes.holds
    ("高风险：退款 ¥120.00 超过订单剩余实付 ¥100.00，需主管审批", "退款超过剩余实付"),
    ("高风险：同一手机号今日已申请退票 9 次，需主管审批", "同一手机号当日多次退票"),
    ("订单已超过 90 天，需人工审批", "订单超过 90 天"),
    ("团队票48小时内退票需审批", "团队票 48 小时内退票"),
    ("手续费调整需主管审批", "手续费调整"),
    ("手续费调整需另一位主管审批（不能由提出调整的人自己批准）", "手续费调整"),
    ("退款合计 ¥5,000.00 达到 ¥5,000.00，需主管和财务双人审批", "达到双人审批金额"),
    ("本单及同一手机号 24 小时内已退或申请退款 ¥3,000.00，连同本次 ¥3,000.00 达到 "
     "¥5,000.00，需主管和财务双人审批", "达到双人审批金额"),
    ("已自动适用不可抗力批量规则：暴雨闭园（supervisor 设置，admin 确认）", None),
    ("别的原因", "别的原因"),
])
def test_hold_labels(hold, label):
    assert hold_label(hold) == label
