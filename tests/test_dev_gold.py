"""The development set is valid, and extraction does not fall back on it.

The floors are the figures this version reaches, rounded down: a rule change
that loses ground on either half fails here, and one that gains ground should
raise them (eventledger eval --dev prints the current figures).
"""

from __future__ import annotations

import importlib.util

import pytest

from eventledger.devscore import DEV_SET, score_dev_set


def _checker():
    spec = importlib.util.spec_from_file_location("check_gold", DEV_SET / "check_gold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_both_halves_pass_the_gold_checker(capsys):
    assert _checker().main([]) == 0, capsys.readouterr().out[-2000:]


def test_no_document_is_in_both_halves():
    tune = {p.stem for p in (DEV_SET / "tune" / "docs").glob("*.txt")}
    check = {p.stem for p in (DEV_SET / "check" / "docs").glob("*.txt")}
    assert tune and check and not tune & check


@pytest.mark.slow
def test_extraction_keeps_its_figures_on_both_halves():
    results = score_dev_set()
    tune, check = (results[h]["scores"].figures() for h in ("tune", "check"))
    assert tune["event_f1"] >= 0.75 and tune["dyad_f1"] >= 0.48 and tune["date_acc"] >= 0.93
    assert check["event_f1"] >= 0.65 and check["dyad_f1"] >= 0.32 and check["date_acc"] >= 0.85
