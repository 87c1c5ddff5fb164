"""Qt item models over plain values (the cart, print jobs, orders, anomalies…), each a
`ui.models.table_model.TableModel` that declares its columns once."""
