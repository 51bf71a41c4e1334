"""The researchers' questions as SQL over the snapshot (:mod:`thidua_crawler.snapshot`).

The counting rules are those of :mod:`thidua_crawler.flat_tables` (docs/researchers.md): only
leaf award counts are added, the year of an award is its stated year else the year of
publication, and an article about several places counts for each. ``--level`` and
``--form`` select award counts, not whole articles: a table of award counts keeps only the
counts at that level or of that form. Rows are streamed: memory does not grow with the
collection.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from thidua_crawler import flat_tables
from thidua_crawler.extract.text import folded_pattern
from thidua_crawler.filters import Filters

#: Rows fetched from DuckDB at a time.
FETCH = 2000
#: Ties broken so that output is the same from run to run.
ROW_ORDER = "published_at NULLS FIRST, record_id, \"index\""
LEAF_TOTALS = """count(*) AS statements,
    sum(CASE WHEN collectives IS NULL AND individuals IS NULL THEN 0
             ELSE coalesce(collectives, 0) END) AS collectives,
    sum(CASE WHEN collectives IS NULL AND individuals IS NULL THEN 0
             ELSE coalesce(individuals, 0) END) AS individuals,
    sum(CASE WHEN collectives IS NULL AND individuals IS NULL THEN count ELSE 0 END) AS combined,
    sum(count) AS total"""
#: One row per place of an award count's article ("(no place)" when it has none).
AWARD_PLACES = ("unnest(string_split(CASE WHEN coalesce(places, '') = '' THEN '(no place)' "
                "ELSE places END, ';')) AS place")


class Where:
    """SQL conditions with their parameters, joined with AND."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> Where:
        self.clauses.append(clause)
        self.params.extend(params)
        return self

    def extend(self, other: Where) -> Where:
        self.clauses.extend(other.clauses)
        self.params.extend(other.params)
        return self

    @property
    def sql(self) -> str:
        return " AND ".join(f"({c})" for c in self.clauses) or "TRUE"


def award_where(filters: Filters) -> Where:
    """The award counts ``--level`` and ``--form`` select."""
    where = Where()
    if filters.level:
        where.add("level = ?", filters.level)
    if filters.form:
        where.add("list_contains(string_split(forms, ';'), ?)", filters.form)
    return where


def article_where(filters: Filters) -> Where:
    """The articles the filters select, as a condition on ``articles``."""
    where = Where()
    if filters.since:
        where.add("substr(published_at, 1, 10) >= ?", filters.since.isoformat())
    if filters.until:
        where.add("substr(published_at, 1, 10) <= ?", filters.until.isoformat())
    if filters.district:
        where.add("list_contains(string_split(districts, ';'), ?)", filters.district)
    if filters.commune:
        where.add("list_contains(string_split(communes, ';'), ?)", filters.commune)
    if filters.has_launch:
        where.add("launches > 0")
    if filters.has_award:
        where.add("award_counts > 0")
    awards = award_where(filters)
    if awards.clauses:
        where.add(f"record_id IN (SELECT record_id FROM award_counts WHERE {awards.sql})",
                  *awards.params)
    if filters.launcher:
        pattern = folded_pattern(filters.launcher)
        where.add("record_id IN (SELECT record_id FROM campaign_launches WHERE "
                  "regexp_matches(launcher_person, ?) OR regexp_matches(launcher_position, ?) "
                  "OR regexp_matches(launcher_body, ?))", pattern, pattern, pattern)
    if filters.text:
        where.add("regexp_matches(text, ?)", folded_pattern(filters.text))
    return where


def of_selected_articles(filters: Filters) -> Where:
    """A condition on a fact table: its article is one the filters select."""
    articles = article_where(filters)
    if not articles.clauses:
        return Where()
    return Where().add(f"record_id IN (SELECT record_id FROM articles WHERE {articles.sql})",
                       *articles.params)


def stream(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
           ) -> Iterator[dict[str, Any]]:
    """The rows of a query as dicts, fetched a few thousand at a time."""
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    lists = [i for i, c in enumerate(columns) if c in flat_tables.LIST_COLUMNS]
    while batch := cursor.fetchmany(FETCH):
        for row in batch:
            values = list(row)
            for i in lists:  # the snapshot keeps lists as ";"-joined text
                values[i] = values[i].split(";") if values[i] else []
            yield dict(zip(columns, values, strict=True))


def awards_by_place_year(con: duckdb.DuckDBPyConnection, filters: Filters,
                         by_level: bool = False, place: str | None = None,
                         year: int | None = None) -> Iterator[dict[str, Any]]:
    """Recipients per place and year (and level), each total counted once."""
    where = Where().add("leaf").extend(of_selected_articles(filters)).extend(award_where(filters))
    outer = Where()
    if place is not None:
        outer.add("place = ?", place)
    if year is not None:
        outer.add("year = ?", year)
    level = ", level" if by_level else ""
    return stream(con, f"""
        SELECT * FROM (
            SELECT place, year{level}, {LEAF_TOTALS}
            FROM (SELECT *, {AWARD_PLACES} FROM award_counts WHERE {where.sql})
            WHERE {outer.sql} GROUP BY place, year{level})
        ORDER BY place, coalesce(CAST(year AS VARCHAR), 'None'){level}""",
                  where.params + outer.params)


def launches_by_year_kind(con: duckdb.DuckDBPyConnection, filters: Filters,
                          year: int | None = None) -> Iterator[dict[str, Any]]:
    """Launches per year (of the launch, else of publication) and kind."""
    where = of_selected_articles(filters)
    if year is not None:
        where.add("year = ?", year)
    return stream(con, f"""SELECT * FROM (
            SELECT year, kind, count(*) AS launches FROM campaign_launches
            WHERE {where.sql} GROUP BY year, kind)
        ORDER BY coalesce(CAST(year AS VARCHAR), 'None'), kind""", where.params)


def coverage(con: duckdb.DuckDBPyConnection, filters: Filters) -> Iterator[dict[str, Any]]:
    """Articles per month, and how many carry each kind of fact: the sampling frame."""
    where = article_where(filters)
    return stream(con, f"""
        SELECT month, articles, with_launch, with_award, with_either,
               round(with_either / articles, 3) AS share_with_facts
        FROM (SELECT coalesce(substr(published_at, 1, 7), '(no date)') AS month,
                     count(*) AS articles,
                     count(*) FILTER (WHERE launches > 0) AS with_launch,
                     count(*) FILTER (WHERE award_counts > 0) AS with_award,
                     count(*) FILTER (WHERE launches > 0 OR award_counts > 0) AS with_either
              FROM articles WHERE {where.sql} GROUP BY month)
        ORDER BY month""", where.params)


#: The documented columns of each flat table.
TABLE_COLUMNS = {"articles": flat_tables.ARTICLE_COLUMNS, "award_counts": flat_tables.AWARD_COLUMNS,
                 "campaign_launches": flat_tables.LAUNCH_COLUMNS}


def table_query(table: str, filters: Filters, limit: int = 0, ordered: bool = True
                ) -> tuple[str, list[Any]]:
    """One flat table (``articles``, ``award_counts``, ``campaign_launches``) as the filters
    select it, in its documented columns; ``ordered=False`` leaves the rows in the snapshot's
    order (an export of every row then needs no sort, whose memory grows with the table)."""
    if table == "articles":
        where, columns, order = article_where(filters), flat_tables.ARTICLE_COLUMNS, (
            "published_at NULLS FIRST, record_id")
    else:
        where = of_selected_articles(filters)
        if table == "award_counts":
            where.extend(award_where(filters))
        columns = flat_tables.AWARD_COLUMNS if table == "award_counts" else flat_tables.LAUNCH_COLUMNS
        order = ROW_ORDER
    sql = (f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)} FROM {table} "
           f"WHERE {where.sql}" + (f" ORDER BY {order}" if ordered else ""))
    return (sql + f" LIMIT {int(limit)}" if limit > 0 else sql), where.params


def table_rows(con: duckdb.DuckDBPyConnection, table: str, filters: Filters, limit: int = 0
               ) -> Iterator[dict[str, Any]]:
    return stream(con, *table_query(table, filters, limit))


def newest(con: duckdb.DuckDBPyConnection, table: str, filters: Filters, limit: int
           ) -> Iterator[dict[str, Any]]:
    """The ``limit`` newest rows of a fact table (award counts, launches) as the filters
    select them, newest first. The newest are chosen by their keys alone, then read whole:
    a top-N over whole rows ran out of DuckDB's 100 MB at 500,000 records."""
    sql, params = table_query(table, filters, ordered=False)
    return stream(con, f"""
        SELECT * FROM ({sql}) WHERE (record_id, "index") IN (
            SELECT (record_id, "index") FROM ({sql})
            ORDER BY published_at DESC NULLS LAST LIMIT {int(limit)})
        ORDER BY published_at DESC NULLS LAST, record_id, "index" """, params + params)


def count(con: duckdb.DuckDBPyConnection, table: str, filters: Filters) -> int:
    sql, params = table_query(table, filters, ordered=False)
    return con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def export_table(con: duckdb.DuckDBPyConnection, table: str, filters: Filters, path: Path,
                 fmt: str) -> int:
    """Write one flat table straight from DuckDB to CSV (with a header) or JSON lines;
    returns the rows written."""
    sql, params = table_query(table, filters, ordered=False)
    if fmt != "csv":  # JSON lines hold lists as arrays, an empty one as []
        columns = [c for c in TABLE_COLUMNS[table] if c in flat_tables.LIST_COLUMNS]
        replaced = ", ".join(f"CASE WHEN coalesce({c}, '') = '' THEN []::VARCHAR[] "
                             f"ELSE string_split({c}, ';') END AS {c}" for c in columns)
        if columns:
            sql = f"SELECT * REPLACE ({replaced}) FROM ({sql})"
    options = "FORMAT csv, HEADER" if fmt == "csv" else "FORMAT json"
    quoted = "'" + str(path).replace("'", "''") + "'"
    return con.execute(f"COPY ({sql}) TO {quoted} ({options})", params).fetchone()[0]


def export_records(con: duckdb.DuckDBPyConnection, filters: Filters, path: Path) -> int:
    """The selected articles' full records, in feed form, one JSON line each, oldest first.

    Sorted a month at a time: sorting every full record at once would need memory in
    proportion to the collection."""
    where = article_where(filters)
    months = con.execute(f"SELECT DISTINCT substr(published_at, 1, 7) AS month FROM articles "
                         f"WHERE {where.sql} ORDER BY month NULLS FIRST", where.params).fetchall()
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for (month,) in months:
            within = (Where().add("published_at IS NULL") if month is None else
                      Where().add("published_at >= ? AND published_at < ?", month, month + "\uffff"))
            within.extend(where)
            cursor = con.execute(f"SELECT record FROM articles WHERE {within.sql} "
                                 "ORDER BY published_at, record_id", within.params)
            while batch := cursor.fetchmany(FETCH):
                out.writelines(record + "\n" for (record,) in batch)
                written += len(batch)
    return written


def summary_by_place(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, Any]]:
    """Articles, launches and award recipients per place (``scrapy summary``)."""
    return stream(con, f"""
        SELECT place, count(*) AS articles, sum(launches) AS launches,
               sum(coalesce(statements, 0)) AS award_statements, sum(recipients) AS recipients
        FROM (SELECT *, {AWARD_PLACES} FROM articles)
        LEFT JOIN (SELECT record_id, count(*) AS statements FROM award_counts WHERE leaf
                   GROUP BY record_id) USING (record_id)
        GROUP BY place ORDER BY place""")
