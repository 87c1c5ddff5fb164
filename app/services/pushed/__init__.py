"""The ops windows push (DESIGN.md §9 `POST /sync/push`), applied on the central store:
`apply` (exactly once, a table of recorders by kind), one recorder per kind (`sales`,
`refunds`, `shifts`, `reprints`) and the one parser of their payloads (`payload`)."""
