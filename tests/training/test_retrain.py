import pytest

from training.retrain import decide


def metrics(cv, eval_=None):
    out = {"cv": {"macro_f1": cv}}
    if eval_ is not None:
        out["eval"] = {"macro_f1": eval_}
    return out


@pytest.mark.parametrize(
    ("new", "current", "force", "promoted", "fragment"),
    [
        (metrics(0.90), None, False, True, "first version"),
        (metrics(0.905), metrics(0.91), False, True, "within tolerance"),
        (metrics(0.89), metrics(0.91), False, False, "beyond tolerance"),
        (metrics(0.89), metrics(0.91), True, True, "--force"),
        (metrics(0.95, 0.80), metrics(0.91, 0.85), False, False, "evaluation-file macro-F1 0.8000 vs 0.8500"),
        (metrics(0.95, 0.85), metrics(0.91, 0.85), False, True, "promoted"),
    ],
)
def test_quality_gate(new, current, force, promoted, fragment):
    decision, reason = decide(new, current, 0.01, force)
    assert decision is promoted and fragment in reason
