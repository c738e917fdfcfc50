"""Raw SQL that only some databases run: full-text search structures differ per vendor."""


def run_sql(**statements_by_vendor: list[str]):
    """RunPython code that executes the statements listed under the connection's vendor
    (`postgresql=[...]`, `sqlite=[...]`) and does nothing on any other."""

    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run
