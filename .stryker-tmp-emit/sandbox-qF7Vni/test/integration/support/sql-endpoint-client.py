"""Drives kpi-engine's SQL endpoint with the trino Python client, SQLAlchemy's trino dialect and pandas,
as Superset and notebooks do, and prints what each returned as one JSON object for the test to check.
Usage: python sql-endpoint-client.py PORT QUERIES_JSON (the statements come from the test)."""
import json
import sys
import threading
from decimal import Decimal

import pandas as pd
import trino
from sqlalchemy import create_engine, inspect, text

port = int(sys.argv[1])
q = json.loads(sys.argv[2])


def plain(v):
    if isinstance(v, Decimal):
        return str(v)  # exact: decimal(p,s) values arrive as Decimal
    return v.isoformat() if hasattr(v, "isoformat") else v


def rows(cur):
    return [[plain(v) for v in r] for r in cur.fetchall()]


out = {}
conn = trino.dbapi.connect(host="127.0.0.1", port=port, user="python-client", catalog="kpi", schema="default")
cur = conn.cursor()
cur.execute(q["tables"])
out["tables"] = rows(cur)
cur.execute(q["describe"])
out["describe"] = rows(cur)
cur.execute(q["grouped"])
grouped = cur.fetchall()
out["grouped"] = [[plain(v) for v in r] for r in grouped]
out["grouped_value_types"] = sorted({type(r[2]).__name__ for r in grouped if r[2] is not None})
out["grouped_description"] = [[d[0], d[1]] for d in cur.description]
cur.execute(q["superset"])
out["superset"] = rows(cur)
cur.execute(q["federated"])
out["federated"] = rows(cur)
cur.execute(q["prepared"], ("eu", "2025-01-01", "2025-03-01"))
out["prepared"] = rows(cur)
try:
    cur.execute(q["failing"])
    cur.fetchall()
    out["error"] = None
except trino.exceptions.TrinoUserError as e:
    out["error"] = {"name": e.error_name, "location": list(e.error_location)}

# A long query, cancelled from another thread once Trino runs it (read from system.runtime.queries):
# execute() waits for the first rows, which never come.
long_cur = conn.cursor()
failure = {}


def run_long():
    try:
        long_cur.execute(q["long"])
        long_cur.fetchall()
    except Exception as e:  # the cancellation surfaces here
        failure["error"] = type(e).__name__


worker = threading.Thread(target=run_long)
worker.start()
watch = conn.cursor()
while True:
    watch.execute(
        "SELECT count(*) FROM system.runtime.queries WHERE state = 'RUNNING' AND query LIKE '%"
        + q["marker"] + "%' AND query NOT LIKE '%system.runtime.queries%'"
    )
    if watch.fetchall()[0][0] > 0:
        break
long_cur.cancel()
worker.join(120)
out["cancelled"] = True

engine = create_engine(f"trino://python-client@127.0.0.1:{port}/kpi/default")
inspector = inspect(engine)
out["sqlalchemy"] = {
    "schemas": inspector.get_schema_names(),
    "tables": inspector.get_table_names("default"),
    "columns": [[c["name"], str(c["type"])] for c in inspector.get_columns("revenue", "default")],
}
frame = pd.read_sql(text(q["superset"]), engine)
out["pandas"] = [[plain(v) for v in r] for r in frame.itertuples(index=False)]
print(json.dumps(out))
