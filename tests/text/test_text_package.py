"""``manyi.text`` loads its public names on first use, so intake's ``manyi.text.pii`` does
not pull in the models, scikit-learn and statsmodels."""

from __future__ import annotations

import subprocess
import sys

import manyi.text


def test_every_public_name_resolves() -> None:
    assert set(manyi.text.__all__) == set(manyi.text._EXPORTS)
    for name in manyi.text.__all__:
        assert getattr(manyi.text, name) is not None
    assert set(manyi.text.__all__) <= set(dir(manyi.text))


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        manyi.text.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_the_redaction_intake_uses_loads_no_model_library() -> None:
    code = (
        "import sys, manyi.text.pii as p; p.redact('请回电 13812345678');"
        "print(sorted(m for m in ('sklearn', 'statsmodels', 'jieba', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_training_and_evaluation_code_is_not_in_the_package() -> None:
    # issue #9: `import manyi` carries what runs in production; the tools live in tools/
    import importlib.util

    for name in ("manyi.text.training", "manyi.text.evaluation"):
        assert importlib.util.find_spec(name) is None, name
    assert importlib.util.find_spec("manyi_tools.text_training") is not None
