"""Write a few ORM objects with Core statements and leave them clean: what `session.flush()`
does for them, without the unit of work's bookkeeping (issue 16: on a cash refund, flushing
the order, its tickets and the new refund cost the store about 0.6 ms of CPU more than the
three statements themselves).

A new object is INSERTed with every column (an unset one takes its scalar default, as a flush
does) and then belongs to the session as if it had been loaded; a loaded object's changed columns are UPDATEd by its primary
key (objects of one table with the same changed columns in one executemany) and its new values
become its loaded state. Later changes to any of them flush the ordinary way. Only for plain
mapped rows: no relationships, no server-side defaults to fetch back, no version counter."""

from collections import defaultdict
from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value


@cache
def _insert(table: sa.Table) -> sa.Insert:
    return sa.insert(table)


@cache
def _update(table: sa.Table, columns: tuple[str, ...]) -> sa.Update:
    (pk,) = table.primary_key.columns  # (a SET's own column names are reserved for binds)
    return (sa.update(table).where(pk == sa.bindparam("pk_"))
            .values({c: sa.bindparam(f"v_{c}") for c in columns}))


def _default(table: sa.Table, column: sa.Column) -> Any:
    """The scalar default of a column given no value (`_together`'s statement applies none);
    ValueError for a computed one: the caller must set it."""
    if not column.default.is_scalar:
        raise ValueError(f"write_through: set {table.name}.{column.key} (its default is "
                         "computed)")
    return column.default.arg


def _row(obj: Any, mapper: Any, table: sa.Table) -> dict[str, Any]:
    """A new object's INSERT values: every column; an unset one with a default takes it (set
    on the object too, as a flush does)."""
    values = {}
    for column in table.columns:
        key = mapper.get_property_by_column(column).key
        value = getattr(obj, key)
        if value is None and column.default is not None:
            value = _default(table, column)
            setattr(obj, key, value)
        values[column.key] = value
    return values


def _with_defaults(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    """A plain row with the defaults of the columns it lacks."""
    return row | {c.key: _default(table, c) for c in table.columns
                  if c.key not in row and c.default is not None}


def write(session: Session, objects: Iterable[Any],
          rows: Iterable[tuple[sa.Table, dict[str, Any]]] = ()) -> None:
    """Write `objects` (new or loaded ORM objects) and the plain `rows` ((table, values) to
    INSERT, first) now, in the session's transaction: on PostgreSQL in one statement
    (`_together`), elsewhere one per table and kind."""
    inserts = [(table, _with_defaults(table, row)) for table, row in rows]
    updates: dict[tuple[sa.Table, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
    for obj in objects:
        state = sa.inspect(obj)
        mapper = state.mapper
        table = mapper.local_table
        if state.transient or state.pending:
            if state.pending:
                session.expunge(obj)
            inserts.append((table, _row(obj, mapper, table)))
            make_transient_to_detached(obj)
            session.add(obj)
            continue
        changed = {}
        for key, was in state.committed_state.items():  # the attributes set since loaded
            value = state.dict.get(key)
            if value is not was and value != was:
                changed[mapper.get_property(key).columns[0].key] = value
        if changed:
            (pk,) = mapper.primary_key
            updates[table, tuple(sorted(changed))].append(
                {f"v_{k}": v for k, v in changed.items()}
                | {"pk_": getattr(obj, mapper.get_property_by_column(pk).key)})
            for key, value in changed.items():
                set_committed_value(obj, mapper.get_property_by_column(table.c[key]).key,
                                    value)
    conn = session.connection()
    if conn.dialect.name == "postgresql" and len(inserts) + len(updates) > 1:
        _together(conn, inserts, updates)
        return
    for table, same in groupby(inserts, key=lambda x: x[0]):
        values = [row for _, row in same]
        conn.execute(_insert(table), values[0] if len(values) == 1 else values)
    for (table, columns), rows in updates.items():
        conn.execute(_update(table, columns), rows[0] if len(rows) == 1
                     else rows)  # (an executemany costs more for one row)


def _q(name: str) -> str:
    return f'"{name}"'


Shape = tuple[tuple[str, sa.Table, tuple[tuple[str, str], ...]], ...]


@lru_cache(maxsize=256)  # a shape per number of tickets and events and repeated values: bounded
def _together_sql(shape: Shape) -> sa.TextClause:
    """One PostgreSQL statement of data-modifying CTEs, one per row of `shape` (("i", table,
    ((column, bind), ...)): an INSERT; ("u", table, ...): an UPDATE whose last pair is the
    primary key's), each bind typed as the first column it fills."""
    ctes, binds = [], {}
    for n, (kind, table, pairs) in enumerate(shape):
        for column, name in pairs:
            binds.setdefault(name, sa.bindparam(name, type_=table.c[column].type))
        if kind == "i":
            sql = (f"INSERT INTO {_q(table.name)} ({', '.join(_q(c) for c, _ in pairs)}) "
                   f"VALUES ({', '.join(f':{b}' for _, b in pairs)})")
        else:
            *sets, (pk, key) = pairs
            sql = (f"UPDATE {_q(table.name)} SET "
                   f"{', '.join(f'{_q(c)} = :{b}' for c, b in sets)} WHERE {_q(pk)} = :{key}")
        ctes.append(f"w{n} AS ({sql})")
    return sa.text(f"WITH {', '.join(ctes)} SELECT 1").bindparams(*binds.values())


class _Binds:
    """The statement's parameters, one per distinct (column type, value): the same order id,
    time or NULL in several rows is sent once. psycopg parses a statement of more than 50
    parameters anew on every execution (it caches only smaller ones): a cash refund's 65
    were about 5% of its CPU on the store (issue 16)."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._named: dict[Any, str] = {}

    def __call__(self, table: sa.Table, column: str, value: Any) -> tuple[str, str]:
        """(column, the name of the parameter holding `value` for it)."""
        key: Any = (_type_key(table, column), type(value), value)
        try:
            name = self._named.get(key)
        except TypeError:  # a JSON list or dict: a parameter of its own
            name, key = None, None
        if name is None:
            name = f"b{len(self.params)}"
            self.params[name] = value
            if key is not None:
                self._named[key] = name
        return column, name


@cache
def _type_key(table: sa.Table, column: str) -> str:
    return repr(table.c[column].type)


def _together(conn: sa.Connection, inserts: list[tuple[sa.Table, dict[str, Any]]],
              updates: dict[tuple[sa.Table, tuple[str, ...]], list[dict[str, Any]]]) -> None:
    """The INSERTs and UPDATEs in one statement (PostgreSQL runs every data-modifying CTE; they
    touch different rows, and a failed one fails the statement): one round trip and one
    statement's overhead instead of one per table (issue 16)."""
    bind, shape = _Binds(), []
    for table, row in inserts:
        shape.append(("i", table, tuple(bind(table, c, v) for c, v in row.items())))
    for (table, columns), rows in updates.items():
        (pk,) = table.primary_key.columns
        for row in rows:
            shape.append(("u", table, (*(bind(table, c, row[f"v_{c}"]) for c in columns),
                                       bind(table, pk.key, row["pk_"]))))
    conn.execute(_together_sql(tuple(shape)), bind.params)
