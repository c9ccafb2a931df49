"""`manyi text FILE --column comment` on a million-row CSV: time, peak memory, output checks.

Run from the repository root:

    .venv/bin/python benchmarks/text/bench_text_file.py [--rows 1000000] [--compare]
        [--data-dir ../shared/data/text] [--workdir DIR] [--keep]

The input is generated with a fixed seed: comments sampled from the real corpora
(online_shopping_10_cats reviews, ChnSentiCorp hotel reviews, US-airline tweets: Chinese
and English mixed), an ``id`` column to match output rows to input rows, and a sprinkling
of hostile cells (``--hostile-share``, default 1 %): empty and whitespace-only cells,
control characters, random bytes decoded as Latin-1, mixed scripts, emoji, embedded
newlines and quotes, formula-like text, plus ``--long-cells`` cells of 100,000 characters.

The real CLI runs as a subprocess; its wall time and its own peak RSS (``os.wait4``, so
each child is measured on its own) are reported. Afterwards input and output are read
side by side: the output must have exactly the input's rows, in order, with the same ids
and comments, and every row must carry a sentiment label or an ``enrichment_error``.
The script exits non-zero when a check fails.

``--compare`` also runs a naive peer in its own process: ``pandas.read_csv`` of the whole
file, then ``manyi.text.sentiment`` on the whole column in one call (sentiment only, none
of the redaction, language or aspects the CLI adds), to show what not streaming costs in
memory.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from manyi.enrichment.files import OUTPUT_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT.parent / "shared" / "data" / "text"
LABELS = ("negative", "neutral", "positive")
LONG_CELL_CHARS = 100_000

Hostile = Callable[[random.Random, list[str]], str]


def _load(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [r[column] for r in csv.DictReader(fh) if r.get(column) and r[column].strip()]


def load_corpora(data_dir: Path) -> list[tuple[str, list[str], float]]:
    """(name, texts, share of the ordinary rows) for each corpus."""
    return [
        ("online_shopping", _load(data_dir / "online_shopping_10_cats.csv", "review"), 0.45),
        ("chnsenticorp", _load(data_dir / "ChnSentiCorp_htl_all.csv", "review"), 0.15),
        ("airline", _load(data_dir / "twitter_us_airline_dev.csv", "text"), 0.40),
    ]


def _control(rng: random.Random, pool: list[str]) -> str:
    junk = "".join(chr(rng.choice([*range(0, 32), 127])) for _ in range(rng.randint(1, 12)))
    text = rng.choice(pool)
    cut = rng.randint(0, len(text))
    return text[:cut] + junk + text[cut:]


def _garbage(rng: random.Random, pool: list[str]) -> str:
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(8, 400))).decode("latin-1")


def _mixed(rng: random.Random, pool: list[str]) -> str:
    parts = [
        rng.choice(pool)[:40],
        "очень плохо",
        "サービスが遅い",
        "배송이 늦어요",
        "الخدمة سيئة",
        "שירות גרוע",
        "बहुत बुरा",
        "ok 👍",
    ]
    rng.shuffle(parts)
    return " ".join(parts[: rng.randint(2, len(parts))])


def _emoji(rng: random.Random, pool: list[str]) -> str:
    emoji = ["😡", "👍🏽", "👨‍👩‍👧‍👦", "🇨🇳", "❤️", "🤬🤬🤬", "💩", "\u200d", "\ufe0f"]
    return rng.choice(pool)[:60] + "".join(rng.choices(emoji, k=rng.randint(1, 20)))


def _quotes_newlines(rng: random.Random, pool: list[str]) -> str:
    a, b = rng.choice(pool), rng.choice(pool)
    return rng.choice(['"', '""', "'", ",", "\n", "\r\n", "\r", '",\n"']).join([a, b]) + '"'


HOSTILE: dict[str, Hostile] = {
    "empty": lambda rng, pool: "",
    "whitespace": lambda rng, pool: rng.choice([" ", "   \t ", "\u3000\u3000", "\n \n", "\xa0"]),
    "control": _control,
    "garbage": _garbage,
    "mixed_scripts": _mixed,
    "emoji": _emoji,
    "quotes_newlines": _quotes_newlines,
    "formula_like": lambda rng, pool: rng.choice(["=1+1", '=HYPERLINK("x")', "+86 138", "-"]),
}


def _long_cell(rng: random.Random, pool: list[str]) -> str:
    parts: list[str] = []
    size = 0
    while size < LONG_CELL_CHARS:
        parts.append(rng.choice(pool))
        size += len(parts[-1])
    return "".join(parts)[:LONG_CELL_CHARS]


def make_csv(
    path: Path,
    rows: int,
    corpora: list[tuple[str, list[str], float]],
    *,
    hostile_share: float,
    long_cells: int,
    seed: int = 0,
) -> Counter[str]:
    """Write the input file; return how many rows of each kind it has."""
    rng = random.Random(seed)
    names = [name for name, _, _ in corpora]
    weights = [share for _, _, share in corpora]
    texts = {name: pool for name, pool, _ in corpora}
    everything = [t for _, pool, _ in corpora for t in pool]
    kinds = list(HOSTILE)
    long_at = {(k + 1) * rows // (long_cells + 1) for k in range(long_cells)} if rows else set()
    counts: Counter[str] = Counter()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "source", "comment"])
        for i in range(rows):
            if i in long_at:
                kind = "long_100k"
                comment = _long_cell(rng, everything)
            elif rng.random() < hostile_share:
                kind = rng.choice(kinds)
                comment = HOSTILE[kind](rng, everything)
            else:
                kind = rng.choices(names, weights)[0]
                comment = rng.choice(texts[kind])
            counts[kind] += 1
            writer.writerow([f"r{i}", kind, comment])
    return counts


def run_measured(command: list[str], log: Path) -> tuple[int, float, float]:
    """Run ``command``; return (exit code, wall seconds, its own peak RSS in MiB)."""
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, seconds, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def check_output(source: Path, output: Path) -> tuple[list[str], Counter[str], Counter[str]]:
    """Read input and output side by side; return (problems, label counts, language counts)."""
    problems: list[str] = []
    labels: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    with (
        source.open(encoding="utf-8", newline="") as fin,
        output.open(encoding="utf-8-sig", newline="") as fout,
    ):
        src, out = csv.reader(fin), csv.reader(fout)
        in_header, out_header = next(src), next(out)
        if out_header != [*in_header, *OUTPUT_COLUMNS]:
            problems.append(f"output header {out_header}")
            return problems, labels, languages
        at = {name: i for i, name in enumerate(out_header)}
        n = 0
        for n, (a, b) in enumerate(zip(src, out, strict=False), start=1):
            if b[at["id"]] != a[0] or b[at["comment"]] != a[2]:
                problems.append(f"row {n}: id/comment differ ({a[0]!r} vs {b[at['id']]!r})")
            label, error = b[at["sentiment"]], b[at["enrichment_error"]]
            if label in LABELS and not error:
                labels[label] += 1
            elif error and not label:
                labels["error"] += 1
            else:
                problems.append(f"row {n} ({a[0]}): sentiment {label!r}, error {error!r}")
            languages[b[at["language"]]] += 1
            if len(problems) > 20:
                return problems, labels, languages
        extra_in, extra_out = sum(1 for _ in src), sum(1 for _ in out)
        if extra_in or extra_out:
            problems.append(f"after row {n}: {extra_in} input rows, {extra_out} output rows left")
    return problems, labels, languages


PEER = """
import sys, time
import pandas as pd
from manyi.text.sentiment import sentiment
t = time.perf_counter()
frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
frame["sentiment"] = [s.label for s in sentiment(frame["comment"].tolist())]
frame.to_csv(sys.argv[2], index=False, encoding="utf-8-sig")
print(f"{len(frame)} rows in {time.perf_counter() - t:.1f} s")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--workdir", type=Path, help="keep the files here (default: temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    parser.add_argument("--hostile-share", type=float, default=0.01)
    parser.add_argument("--long-cells", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare", action="store_true", help="also run the pandas peer")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_text_file_"))
    workdir.mkdir(parents=True, exist_ok=True)
    source, output = workdir / "comments.csv", workdir / "comments.enriched.csv"

    start = time.perf_counter()
    kinds = make_csv(
        source,
        args.rows,
        load_corpora(args.data_dir),
        hostile_share=args.hostile_share,
        long_cells=args.long_cells,
        seed=args.seed,
    )
    made = time.perf_counter() - start
    mib = source.stat().st_size / 2**20
    print(f"input: {args.rows:,} rows, {mib:.1f} MiB, written in {made:.0f} s -> {source}")
    print("  rows by kind: " + ", ".join(f"{k} {v:,}" for k, v in kinds.most_common()))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")

    manyi = ROOT / ".venv" / "bin" / "manyi"
    command = [str(manyi), "text", str(source), "--column", "comment", "--out", str(output)]
    code, seconds, peak = run_measured(command, workdir / "manyi.log")
    tail = (workdir / "manyi.log").read_text(errors="replace").strip().splitlines()[-3:]
    print(
        f"manyi text: exit {code}, {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s, "
        f"peak RSS {peak:.0f} MiB; load average {os.getloadavg()[0]:.2f} at end"
    )
    for line in tail:
        print(f"  | {line}")
    if code != 0:
        print("FAILED: the CLI did not exit 0")
        return 1
    print(f"output: {output.stat().st_size / 2**20:.1f} MiB -> {output}")

    problems, labels, languages = check_output(source, output)
    total = sum(labels.values())
    print(
        f"checks: {total:,} output rows for {args.rows:,} input rows, ids and comments "
        f"{'match, in order' if not problems else 'DO NOT match'}"
    )
    print(
        "  labels: "
        + ", ".join(f"{k} {v:,} ({v / max(total, 1):.1%})" for k, v in sorted(labels.items()))
    )
    print("  languages: " + ", ".join(f"{k} {v:,}" for k, v in languages.most_common()))
    print(f"  rows with an enrichment_error: {labels['error']:,}")

    if args.compare:
        peer_out = workdir / "pandas.csv"
        command = [sys.executable, "-c", PEER, str(source), str(peer_out)]
        code, p_seconds, p_peak = run_measured(command, workdir / "pandas.log")
        print(
            f"pandas read_csv + sentiment() in one call: exit {code}, {p_seconds:.1f} s, "
            f"peak RSS {p_peak:.0f} MiB (manyi streaming: {peak:.0f} MiB, and it also "
            "redacts, detects language and finds aspects)"
        )

    if problems:
        print("FAILED:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    if total != args.rows:
        print(f"FAILED: {total:,} output rows for {args.rows:,} input rows")
        return 1
    if not args.workdir and not args.keep:
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
