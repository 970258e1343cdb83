"""Row inserts for the demo loader's scale mode.

``Model.objects.bulk_create`` spends most of its time building model instances
and compiling SQL per object (about 300 products a second here). The demo
loader only writes plain rows, so it prepares each column once and hands the
rows to PostgreSQL's COPY, or to ``executemany`` on SQLite.
"""

from django.core.management.color import no_style
from django.db import connection, models


class RowWriter:
    """Collects rows for one model and writes them in bulk.

    Columns not given in ``add()`` take the field's default. With
    ``assign_ids=True`` primary keys are allocated here (after the current
    maximum), so callers can link rows before they are written; call
    ``reset_sequences()`` afterwards on databases with sequences.
    """

    def __init__(self, model, assign_ids=False):
        self.model = model
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if assign_ids or not f.primary_key]
        self.position = {f.attname: i for i, f in enumerate(self.fields)}
        self.template = [
            None if f.primary_key else f.get_db_prep_save(f.get_default(), connection) for f in self.fields
        ]
        self.assign_ids = assign_ids
        self.rows = []
        if assign_ids:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            self.next_id = (last or 0) + 1
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.insert_sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"
        self.copy_sql = f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN"
        self.by_attname = {f.attname: f for f in self.fields}
        self.adapted = {
            f.attname for f in self.fields if isinstance(f, (models.DateField, models.DecimalField, models.TimeField))
        }
        self.cache = {}

    def add(self, **values):
        row = self.template.copy()
        pk = None
        if self.assign_ids:
            pk = self.next_id
            self.next_id += 1
            row[self.position[self.model._meta.pk.attname]] = pk
        for name, value in values.items():
            # Plain ints, strings and booleans go as they are; dates and
            # decimals are adapted once per distinct value.
            if name in self.adapted:
                key = (name, value)
                if key not in self.cache:
                    self.cache[key] = self.by_attname[name].get_db_prep_save(value, connection)
                value = self.cache[key]
            row[self.position[name]] = value
        self.rows.append(row)
        return pk

    def flush(self):
        """Write the collected rows: COPY on PostgreSQL, ``executemany`` elsewhere."""
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, self.rows)
        self.rows = []

    def reset_sequences(self):
        statements = connection.ops.sequence_reset_sql(no_style(), [self.model])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
