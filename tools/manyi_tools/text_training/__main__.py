"""``python -m manyi_tools.text_training sentiment [...]``: train the sentiment models.

Examples::

    python -m manyi_tools.text_training sentiment --data-dir ../shared/data/text --out src/manyi/text/models
    python -m manyi_tools.text_training sentiment --train-csv mine.csv --text-column comment \\
        --label-column label --out my-models
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from manyi.errors import InvalidInput
from manyi.text.sentiment import MODEL_DIR
from manyi_tools.text_training.train import TrainingOptions, train_bundled, train_from_csv


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m manyi_tools.text_training")
    commands = parser.add_subparsers(dest="command", required=True)
    sent = commands.add_parser("sentiment", help="train the sentiment models")
    sent.add_argument("--data-dir", type=Path, default=Path("../shared/data/text"))
    sent.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: the package's models folder; with --train-csv: ./manyi-models)",
    )
    sent.add_argument("--train-csv", type=Path, help="your own labelled comments")
    sent.add_argument("--text-column", default="text")
    sent.add_argument("--label-column", default="label")
    sent.add_argument("--language", choices=("auto", "zh", "en"), default="auto")
    sent.add_argument(
        "--hash-bits",
        type=int,
        choices=range(10, 23),
        metavar="{10..22}",
        help="2**bits hash buckets per model (default 20 for zh, 19 for en; fewer: smaller files)",
    )
    sent.add_argument(
        "--no-encoder",
        action="store_true",
        help="English: n-gram heads only, no sentence-encoder head (faster to score, less accurate)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (2 for bad input)."""
    args = _parser().parse_args(argv)
    command = "python -m manyi_tools.text_training " + shlex.join(
        sys.argv[1:] if argv is None else list(argv)
    )
    options = TrainingOptions()
    if args.hash_bits is not None:
        options = replace(options, zh_features=2**args.hash_bits, en_features=2**args.hash_bits)
    if args.no_encoder:
        options = replace(options, en_encoder=None)
    try:
        if args.train_csv is not None:
            train_from_csv(
                args.train_csv,
                args.text_column,
                args.label_column,
                args.out or Path("manyi-models"),
                language=args.language,
                options=options,
                command=command,
            )
        else:
            train_bundled(args.data_dir, args.out or MODEL_DIR, options=options, command=command)
    except InvalidInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
