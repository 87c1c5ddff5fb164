"""Screenshot of the Orders view with every status in its colour (issue 14), on the real view and
services over a window's cache (it lives beside the UI tests because it seeds orders the way
they do):

    Xvfb :57 -screen 0 1366x768x24 -nolisten tcp &
    DISPLAY=:57 .venv/bin/python tests/ui/orders_screenshots.py docs/screenshots

A supervisor's Orders screen, offline (the note says the cache answers): one order in each of the
nine shown statuses — 异常 on top, 待支付 counting down its 15 minutes, 已支付未核销 with its
validity — and two window sales. Saves orders-colours.png.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from order_statuses import every_status  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from seed_orders import sell  # noqa: E402

from ui.screenshots import SCREEN, save  # noqa: E402

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 10:00 at the scenic area
NAMES = ("张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周婷")


def take(out: Path) -> None:
    import sqlalchemy as sa

    from app.services.admin.auth import UserInfo
    from app.store.models import Order
    from ui import tasks
    from ui.app import load_stylesheet, open_backend
    from ui.context import ClientContext
    from ui.i18n import install_translations
    from ui.views.orders_view import OrdersView

    app = QApplication.instance() or QApplication([])
    install_translations(app, "zh_CN")
    app.setStyleSheet(load_stylesheet())
    tasks.set_inline(True)
    with tempfile.TemporaryDirectory() as home:
        ctx = ClientContext(home=Path(home), clock=lambda: NOW)
        open_backend(ctx)
        ctx.user = UserInfo("supervisor", "值班主管", "supervisor")
        venue = ctx.venue()
        sell(ctx.db, NOW - timedelta(minutes=3), venue, ("ADULT", 2), ("CHILD", 1))
        sell(ctx.db, NOW - timedelta(minutes=2), venue, ("FAMILY", 1))
        made = every_status(ctx.db, NOW, venue)
        with ctx.session() as s, s.begin():  # a name and a phone each, as channels send them
            for i, order in enumerate(made.values()):
                s.execute(sa.update(Order).where(Order.order_id == order["order_id"]).values(
                    customer_name=NAMES[i], customer_phone=f"1380013{i:04d}"))
        view = OrdersView(ctx)
        view.resize(*SCREEN)
        view.show()
        save(view, out / "orders-colours.png")
        view.close()
        ctx.db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tests/ui/orders_screenshots.py")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    take(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
