"""Evaluation of manyi's text models on public corpora (run as ``python -m``)."""
