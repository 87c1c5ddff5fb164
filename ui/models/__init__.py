"""Qt item models (QAbstractTableModel) over plain values: the cart, print jobs."""
