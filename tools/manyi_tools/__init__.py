"""manyi's development tools (not part of the installed ``manyi`` package).

- :mod:`manyi_tools.text_training`: train the bundled sentiment models from ../shared/data
  (``python -m manyi_tools.text_training sentiment``);
- :mod:`manyi_tools.text_evaluation`: evaluate aspect detection and polarity on the
  held-out aspect corpora (``python -m manyi_tools.text_evaluation.aspects``);
- :mod:`manyi_tools.analysis_example`: regenerate the sample export behind
  ``manyi analyze --example``.

``make install-dev`` installs them beside manyi (``pip install -e tools``).
"""
