"""Admin-defined custom fields and picklists, as data.

A :class:`FieldSchema` lists the custom fields a team uses (their type, whether they are
required, the values allowed, labels in English and Japanese) and the picklists of the
standard fields ``industry``, ``lead_source`` and ``rating``. Load one from TOML or JSON
data with :func:`load_field_schema` (every problem named by its path), then validate
leads and imported rows with :meth:`FieldSchema.problems` / :meth:`FieldSchema.check_lead`
and type-check conditions on custom fields with :meth:`FieldSchema.check_condition`, or
as they are built inside :func:`use_field_schema`. :func:`leadkit.io.read_lead_file`
checks imported files against a schema (``fields=``), naming each problem's line and
column.
"""

from leadkit.fields._schema import (
    FIELD_TYPES,
    PICKLIST_FIELDS,
    FieldDefinition,
    FieldSchema,
    PicklistValue,
    load_field_schema,
    use_field_schema,
)

__all__ = [
    "FIELD_TYPES",
    "PICKLIST_FIELDS",
    "FieldDefinition",
    "FieldSchema",
    "PicklistValue",
    "load_field_schema",
    "use_field_schema",
]
