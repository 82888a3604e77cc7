"""The rule registry is the one place a problem's severity comes from."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from jtai_letters.checks.registry import RULES, RuleId
from jtai_letters.errors import Problem, split

VARIES = [r for r in RULES if RULES[r].severity == "varies"]
FIXED = [r for r in RULES if RULES[r].severity != "varies"]


def test_a_problem_takes_its_severity_from_the_registry() -> None:
    for rule in FIXED:
        assert Problem("m", rule=rule).severity == RULES[rule].severity
    assert str(Problem("said", Path("a.yaml"), 3, rule="s55-copies")) == "a.yaml:3: warning: said"


@pytest.mark.parametrize("rule", FIXED)
def test_no_call_site_may_give_a_fixed_rule_another_severity(rule: RuleId) -> None:
    with pytest.raises(ValueError, match=f"rule '{rule}' is always"):
        Problem("m", rule=rule, kind="warning" if RULES[rule].severity == "error" else "error")


def test_a_rule_whose_severity_varies_must_be_told_which() -> None:
    assert VARIES == [
        "s55-unanswered",
        "recommendation-count",
        "body-placement",
        "date-order",
        "sign-off",
        "translation",
        "absorb",
    ]
    for rule in VARIES:
        with pytest.raises(ValueError, match="varies in severity"):
            Problem("m", rule=rule)
        assert Problem("m", rule=rule, kind="warning").severity == "warning"


def test_an_unregistered_rule_is_refused() -> None:
    with pytest.raises(KeyError):
        Problem("m", rule=typing.cast(RuleId, "no-such-rule"))


def test_strict_makes_a_warning_an_error_without_touching_its_rule() -> None:
    warning = Problem("said", Path("a.yaml"), 3, rule="s55-copies")
    errors, warnings = split([warning], strict=True)
    assert (errors[0].rule, errors[0].severity, warnings) == ("s55-copies", "error", [])
    assert str(errors[0]) == "a.yaml:3: said"


def test_the_families_the_checks_report_are_all_registered() -> None:
    families = {"s55-deadline", "body-placement", "placeholder", "date-order", "update-order", "update-future"}
    families |= {"layout-requires", "asset", "font", "css", "printing", "translation"}
    assert families <= set(RULES)


def test_every_call_site_of_a_rule_that_varies_says_which() -> None:
    # The type checker proves each id is registered; this, that no problem of a varying rule is left to chance.
    import ast

    root = Path(__file__).resolve().parent.parent / "jtai_letters"
    untold = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "registry.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = getattr(node, "func", None)
            name = getattr(called, "id", getattr(called, "attr", ""))
            if isinstance(node, ast.Call) and name in ("Problem", "problem"):  # Problem(), problem(), src.problem()
                named = [k.value for k in node.keywords if k.arg == "rule"] + list(node.args)
                varies = any(isinstance(v, ast.Constant) and v.value in VARIES for v in named)
                if varies and not any(k.arg == "kind" for k in node.keywords):
                    untold.append(f"{path.name}:{node.lineno}")
    assert untold == []
