"""Exports of a survey's responses: CSV, XLSX with labels, SPSS .sav (docs/exports.md).

:mod:`.service` plans and writes one export page by page; :mod:`.jobs` runs large ones in
a worker with progress; :mod:`.variables` decides the columns, their names and labels.
"""

from manyi.reporting.exports.jobs import (
    ExportJob,
    create_export_job,
    export_file,
    exports_folder,
    get_export_job,
    remove_expired_exports,
    run_export_job,
)
from manyi.reporting.exports.service import (
    MEDIA_TYPES,
    DirectExport,
    ExportFilters,
    ExportFormat,
    ExportPlan,
    ExportRequest,
    audit_export,
    direct_export,
    file_name,
    plan_export,
    stream_csv,
    write_export,
)

__all__ = [
    "MEDIA_TYPES",
    "DirectExport",
    "ExportFilters",
    "ExportFormat",
    "ExportJob",
    "ExportPlan",
    "ExportRequest",
    "audit_export",
    "create_export_job",
    "direct_export",
    "export_file",
    "exports_folder",
    "file_name",
    "get_export_job",
    "plan_export",
    "remove_expired_exports",
    "run_export_job",
    "stream_csv",
    "write_export",
]
