"""Kept for callers of the old path: :class:`References` lives in :mod:`manyi.storage.references`."""

from manyi.storage.references import References

__all__ = ["References"]
