"""重打上一单 (issue 12): it reprints this window's last sale — not the order of whatever job is
selected in the print queue, not another window's order, not a cancelled one — and says which
order that is before the clerk clicks."""

import sqlalchemy as sa
from conftest import on_screen
from PySide6.QtCore import Qt

from app.domain.venue import Venue
from app.services.sales import selling
from app.store.models import Order, PrintJobRow, Ticket, TimelineEvent
from ui.views.print_jobs_panel import PrintJobsPanel


def sell(ctx, code: str = "ADULT", *, device_id: str | None = None) -> selling.SaleResult:
    request = selling.SaleRequest(
        terminal=ctx.terminal, clerk=ctx.user.username, device_id=device_id or ctx.device_id,
        visit_date=ctx.today(), lines=(selling.SaleLine(code, 1),), tendered_fen=100_000)
    with ctx.session() as session:
        return selling.sell(session, request, now=ctx.now(), venue=Venue())


def reprinted(ctx) -> dict[str, int]:
    """Order no. → how many of its tickets were reprinted."""
    with ctx.session() as s:
        rows = s.execute(sa.select(Order.order_no, sa.func.sum(Ticket.reprint_count))
                         .join(Ticket, Ticket.order_id == Order.order_id)
                         .group_by(Order.order_no)).all()
    return {no: int(n) for no, n in rows}


def test_reprint_last_order_reprints_the_last_sale_whatever_is_selected(on_shift, qtbot):
    first, last = sell(on_shift), sell(on_shift, "CHILD")
    panel = on_screen(qtbot, PrintJobsPanel(on_shift), size=(900, 200))
    assert last.order_no in panel.reprint_button.toolTip()
    row = next(i for i, job in enumerate(panel.model.jobs()) if job.order_no == first.order_no)
    panel.table.selectRow(row)  # the first sale's job is selected in the list
    assert panel.selected_job().order_no == first.order_no

    qtbot.mouseClick(panel.reprint_button, Qt.MouseButton.LeftButton)

    assert reprinted(on_shift) == {first.order_no: 0, last.order_no: 1}
    with on_shift.session() as s:
        again = s.execute(sa.select(PrintJobRow.order_no, PrintJobRow.kind)
                          .where(PrintJobRow.payload["reprint_no"].as_integer() > 0)).all()
        logged = s.execute(sa.select(TimelineEvent.action)
                           .where(TimelineEvent.action.like("%reprinted"))).scalars().all()
    assert sorted(again) == [(last.order_no, "receipt"), (last.order_no, "ticket")]
    assert sorted(logged) == ["receipt.reprinted", "ticket.reprinted"]
    assert last.order_no in panel.status.text()


def test_the_last_sale_is_this_windows_and_still_stands(on_shift, qtbot):
    """Read from the database when the panel opens (a restarted client): an order another
    window sold later, or this window's later sale since cancelled, is not 上一单."""
    mine = sell(on_shift)
    sell(on_shift, device_id="window-02")  # reached this cache through the feed, say
    gone = sell(on_shift)
    with on_shift.session() as s, s.begin():
        s.execute(sa.update(Order).where(Order.order_no == gone.order_no)
                  .values(cancelled=True, status="cancelled"))
    panel = on_screen(qtbot, PrintJobsPanel(on_shift), size=(900, 200))
    assert panel.last_order_no == mine.order_no

    qtbot.mouseClick(panel.reprint_button, Qt.MouseButton.LeftButton)

    assert reprinted(on_shift)[mine.order_no] == 1
    assert sum(reprinted(on_shift).values()) == 1


def test_no_sale_yet_reprints_nothing(on_shift, qtbot):
    panel = on_screen(qtbot, PrintJobsPanel(on_shift), size=(900, 200))
    qtbot.mouseClick(panel.reprint_button, Qt.MouseButton.LeftButton)
    assert panel.status.text() == "还没有可重打的订单。"
    with on_shift.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(PrintJobRow)).scalar() == 0
