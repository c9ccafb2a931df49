"""Training of manyi's text models: data loading with hygiene, documented splits, fitting.

Run ``python -m manyi_tools.text_training sentiment`` to rebuild the bundled sentiment models
from ``../shared/data/text``, or add ``--train-csv FILE --text-column C --label-column L
--out DIR`` to train on your own labelled comments (see ``docs/text-models.md``).
This package needs scikit-learn and pandas; the run-time code in :mod:`manyi.text`
reads the saved models with NumPy alone.
"""
