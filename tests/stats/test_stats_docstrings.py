"""Every public statistic of manyi.stats carries a complete numpydoc docstring that runs.

Checks the sections Parameters, Returns, References and Examples (as numpydoc headings, in
numpydoc's order), that each function shows at least one example whose output is checked,
and runs every doctest of the modules that define the statistics.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import itertools
from types import ModuleType

import pytest

import manyi.stats as ms

STATISTICS = (
    "nps", "csat", "ces", "servqual", "cronbach_alpha", "item_analysis", "composite_reliability",
    "average_variance_extracted", "kmo", "bartlett_sphericity", "efa", "screen_indicators", "ahp",
    "entropy_weights", "fuzzy_evaluation", "csi", "pls_path_model", "kano", "correlations",
    "standardized_betas", "relative_weights", "shapley_r2", "ipa", "compare_groups",
    "control_chart", "effect_of_change", "value_curve", "parallel_analysis", "ahp_hierarchy",
    "membership_matrix", "change_points", "cohen_kappa", "krippendorff_alpha", "holm",
    "benjamini_hochberg", "adjust_p_values",
)  # fmt: skip

# Numpydoc's order of the sections we require (others may sit in between).
SECTIONS = ("Parameters", "Returns", "References", "Examples")

# pls_path_model's example fits the ECSI model on satisfaction.csv, which the package does not
# bundle, so every line of it is skipped; strict xfail flags the day it runs for real.
EXAMPLE_NEEDS_DATA = {"pls_path_model"}


def _docstring(name: str) -> str:
    doc = getattr(ms, name).__doc__
    assert doc, f"{name} has no docstring"
    return inspect.cleandoc(doc)


def _sections(doc: str) -> dict[str, str]:
    """Numpydoc sections: heading (a line underlined by dashes of its length) -> body."""
    lines = doc.splitlines()
    starts = [
        i
        for i, (title, rule) in enumerate(itertools.pairwise(lines))
        if title.strip() and rule.strip() == "-" * len(title.strip())
    ]
    ends = [*starts[1:], len(lines)]
    return {
        lines[s].strip(): "\n".join(lines[s + 2 : e]) for s, e in zip(starts, ends, strict=True)
    }


def _statistic_modules() -> list[str]:
    return sorted({getattr(ms, name).__module__ for name in STATISTICS})


def _module(name: str) -> ModuleType:
    # importlib, not attribute access: ``manyi.stats.ahp`` is the re-exported function.
    return importlib.import_module(name)


@pytest.mark.parametrize("name", STATISTICS)
def test_docstring_has_the_numpydoc_sections_in_order(name: str) -> None:
    sections = _sections(_docstring(name))
    headings = list(sections)
    missing = [title for title in SECTIONS if title not in headings]
    assert not missing, f"{name}: docstring lacks {missing}"
    positions = [headings.index(title) for title in SECTIONS]
    assert positions == sorted(positions), f"{name}: sections out of numpydoc order {headings}"
    for title in SECTIONS:
        assert sections[title].strip(), f"{name}: empty {title} section"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="example needs a data file"))
        if n in EXAMPLE_NEEDS_DATA
        else n
        for n in STATISTICS
    ],
)
def test_examples_check_an_output(name: str) -> None:
    examples = doctest.DocTestParser().get_examples(_sections(_docstring(name))["Examples"])
    checked = [ex for ex in examples if ex.want.strip() and not ex.options.get(doctest.SKIP, False)]
    assert checked, f"{name}: no example with a checked, non-skipped output"


@pytest.mark.parametrize("module_name", _statistic_modules())
def test_module_doctests_pass(module_name: str) -> None:
    module = _module(module_name)
    assert module.__name__ == module_name
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(verbose=False)
    report: list[str] = []
    for test in finder.find(module, module_name):
        runner.run(test, out=report.append)
    assert runner.tries > 0, f"{module_name}: no doctests found"
    assert runner.failures == 0, "".join(report)


def test_every_statistic_is_documented_in_its_defining_module() -> None:
    # Guards the list above against a name that is re-exported but defined elsewhere than
    # manyi.stats, whose doctests this file would then never run.
    for name in STATISTICS:
        assert getattr(ms, name).__module__.startswith("manyi.stats."), name
    assert set(STATISTICS) <= set(ms.__all__)
