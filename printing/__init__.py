"""Printing: tickets, receipts (and later refund slips, shift reports) on ESC/POS printers.

`uris` names a printer, `devices` opens it, `layouts` turns print documents into ESC/POS bytes
(`escpos_text` for Chinese, `raster` for QR codes and pictures), `status` reads its state back,
`worker` prints the queue in a background thread, `preview` draws the bytes as PNG files and
`sample` prints the test page. Imports `app.domain` only: no Qt, no database.
"""
