"""Time a report of the demo data: numbers + HTML, then the PDF (docs/reports.md, Speed).

MANYI_DATA_DIR=/tmp/demo manyi db upgrade && MANYI_DATA_DIR=/tmp/demo manyi demo
python benchmarks/reports/bench_report.py sqlite:////tmp/demo/manyi.db --period 2026-11
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from pypdf import PdfReader

from manyi.domain.scope import EVERYTHING
from manyi.reporting.reports import make_report
from manyi.reporting.reports.pdf import html_to_pdf
from manyi.runtime import Database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("--period", default="month")
    parser.add_argument("--department", default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = Database(args.database_url)
    for kind in ("report", "executive"):
        content, pdfs, totals = [], [], []
        pdf = b""
        for _ in range(args.runs):
            t0 = time.perf_counter()
            report = make_report(
                db,
                scope=EVERYTHING,
                department=args.department,
                period=args.period,
                kind=kind,
                pdf=False,
            )
            t1 = time.perf_counter()
            pdf = html_to_pdf(report.html)
            t2 = time.perf_counter()
            content.append(t1 - t0)
            pdfs.append(t2 - t1)
            totals.append(t2 - t0)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{kind}: numbers+HTML median {statistics.median(content):.2f} s, "
            f"PDF median {statistics.median(pdfs):.2f} s, total median "
            f"{statistics.median(totals):.2f} s (min {min(totals):.2f}, max {max(totals):.2f}), "
            f"{pages} pages, {len(pdf) // 1024} kB"
        )


if __name__ == "__main__":
    main()
