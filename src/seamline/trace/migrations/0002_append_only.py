"""The ledger is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE of trace_event rows.

(SQLite, the embedded default for a demo, has no trigger: Django's test flush deletes rows there.
The hash chain still shows any edit to `seamline trace verify`.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION trace_event_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'trace_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER trace_event_append_only BEFORE UPDATE OR DELETE ON trace_event
  FOR EACH ROW EXECUTE FUNCTION trace_event_refuse_change();
CREATE TRIGGER trace_event_epc_append_only BEFORE UPDATE OR DELETE ON trace_eventepc
  FOR EACH ROW EXECUTE FUNCTION trace_event_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS trace_event_append_only ON trace_event;
DROP TRIGGER IF EXISTS trace_event_epc_append_only ON trace_eventepc;
DROP FUNCTION IF EXISTS trace_event_refuse_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("trace", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
