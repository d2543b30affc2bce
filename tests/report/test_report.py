"""`drill report`: transitions, curves checked against the raw history, pictures, edge cases."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from drill.cli import main
from drill.decks import load_deck
from drill.protocol.stats import wilson_interval
from drill.store.history import History
from tests.report.conftest import NETWORK_ITEMS

if TYPE_CHECKING:
    from rich.console import RenderableType

    from drill.report.inputs import SmallCurves

N_TRAIN = 135  # training items of the shipped modarith deck


def report(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["report", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def report_json(capsys: pytest.CaptureFixture[str], db: Path, learner: str, *extra: str) -> Any:
    code, out, _ = report(
        capsys, "modarith", "--learner", learner, "--db", str(db), "--json", *extra
    )
    assert code == 0
    return json.loads(out)


def exposures_of(db: Path, learner: str) -> list[dict[str, Any]]:
    """The learner's modarith exposures straight from `History.export()` (first steps)."""
    history = History.open(str(db))
    try:
        rows = list(history.export(learner))
    finally:
        history.close()
    return [r for r in rows if r["deck"] == "modarith" and r["result"] != "unreadable"]


def test_network_shows_a_transition_and_lookup_none(
    simulated_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The network's report marks a grok and the rule found, and says it found it after a
    plateau and a rise; lookup's has no grok, only a plateau."""
    network = report_json(capsys, simulated_db, "network")
    lookup = report_json(capsys, simulated_db, "lookup")
    groks = [m for m in network["marks"] if m["kind"] == "grokked"]
    assert len(groks) == 1
    found = [m for m in network["marks"] if m["kind"] == "rule_unsealed"]
    assert len(found) == 1
    assert network["state"]["phase"] == "found it"
    assert network["state"]["text"] == (
        f"found it at exposure {found[0]['exposure']:,}, after a plateau and a rise"
    )
    assert any(e["kind"] == "transition_detected" for e in network["events"])
    assert not [m for m in lookup["marks"] if m["kind"] == "grokked"]
    assert lookup["state"]["phase"] in ("plateau", "memorizing")
    assert lookup["plateaus"], "lookup memorizes: training high, held-out at chance"
    assert lookup["curve"][-1]["heldout"]["accuracy"] < 0.3
    assert network["curve"][-1]["heldout"]["accuracy"] > 0.7


def test_json_curves_match_the_history(
    simulated_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every point's counts, rates, bands, means and epochs agree with the exported attempts:
    held-out counts untaught answers (probes, and first answers to items not yet shown with
    their answer) right whenever they came, fluency the same answers right in time."""
    data = report_json(capsys, simulated_db, "network")
    rows = exposures_of(simulated_db, "network")
    assert data["exposures"] == len(rows) == 1000
    assert data["axis"] == "exposures"
    assert len(data["curve"]) > 50
    twins = load_deck("modarith").twins  # b ∘ a is taught once a ∘ b was shown
    shown: set[str] = set()
    untaught_at: set[int] = set()
    for r in sorted(rows, key=lambda r: r["exposure"]):
        if r["item_id"] not in shown:
            untaught_at.add(r["exposure"])
        if not r["probe"]:
            shown.update((r["item_id"], *twins.get(r["item_id"], ())))
    for point in data["curve"]:
        end = point["exposure"]
        train = [
            r for r in rows if not r["probe"] and point["train"]["from"] <= r["exposure"] <= end
        ]
        probes = [
            r
            for r in rows
            if r["exposure"] in untaught_at and point["heldout"]["from"] <= r["exposure"] <= end
        ]
        hits = [r for r in train if r["correct"] and not r["timed_out"]]
        probe_hits = [r for r in probes if r["correct"]]
        fluent = [r for r in probes if r["correct"] and not r["timed_out"]]
        assert point["train"]["n"] == len(train) >= min(50, len(train))
        assert point["train"]["correct"] == len(hits)
        assert point["heldout"]["n"] == len(probes)
        assert point["heldout"]["correct"] == len(probe_hits)
        assert point["fluency"]["n"] == len(probes)
        assert point["fluency"]["fluent"] == len(fluent)
        if probes:
            low, high = wilson_interval(len(probe_hits), len(probes))
            assert point["heldout"]["low"] == pytest.approx(low, abs=1e-6)
            assert point["heldout"]["high"] == pytest.approx(high, abs=1e-6)
        window = [r for r in rows if point["train"]["from"] <= r["exposure"] <= end]
        times = [r["response_ms"] for r in window if r["response_ms"] is not None]
        assert point["response_ms"] == pytest.approx(sum(times) / len(times), rel=1e-6)
        deadline = sum(r["deadline_ms"] for r in window) / len(window)
        assert point["deadline_ms"] == pytest.approx(deadline, rel=1e-6)
        trained = sum(1 for r in rows if not r["probe"] and r["exposure"] <= end)
        assert point["epochs"] == pytest.approx(trained / N_TRAIN, abs=1e-6)


def test_json_network_curve_is_the_network_on_the_stream(
    simulated_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The network's curve follows the learner's stream on the exposure axis; the stored
    full-batch run of `drill reference` (on its own axis of steps) is not drawn."""
    db = tmp_path / "copy.db"
    shutil.copy(simulated_db, db)
    data = report_json(capsys, db, "network")
    assert data["axis"] == "exposures"
    curve = data["network"]["curve"]
    assert [p["exposure"] for p in curve] == list(range(50, NETWORK_ITEMS + 1, 50))
    assert "step" not in curve[0]
    assert data["network"]["at_exposure"] == NETWORK_ITEMS
    assert curve[-1]["heldout"]["accuracy"] > curve[0]["heldout"]["accuracy"]
    assert report_json(capsys, db, "lookup")["network"]["curve"]


def test_terminal_report_fits_and_names_the_grok(
    simulated_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 and 120 columns every line fits, the grok and the plateau are labelled."""
    for width in (80, 120):
        monkeypatch.setenv("COLUMNS", str(width))
        monkeypatch.setenv("LINES", "30")
        code, out, _ = report(capsys, "modarith", "--learner", "network", "--db", str(simulated_db))
        assert code == 0
        assert max(len(line) for line in out.splitlines()) <= width
        assert "transition began at exposure" in out
        assert "plateau" in out
        assert "network, untaught" in out
        assert "state" in out


def test_no_deck_summarizes_every_deck(
    simulated_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a deck the report lists the learner's decks with their state."""
    code, out, _ = report(capsys, "--learner", "network", "--db", str(simulated_db), "--json")
    assert code == 0
    decks = json.loads(out)["decks"]
    assert [d["deck"] for d in decks] == ["modarith"]
    assert decks[0]["exposures"] == 1000
    assert decks[0]["state"].startswith("found it at exposure")
    code, out, _ = report(capsys, "--learner", "network", "--db", str(simulated_db))
    assert code == 0
    assert "modarith" in out
    assert "found it" in out


def test_output_writes_svg_and_png(
    simulated_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--output writes an SVG that parses as XML and a PNG with the PNG signature."""
    svg, png = tmp_path / "report.svg", tmp_path / "report.PNG"
    for path in (svg, png):
        code, out, err = report(
            capsys, "modarith", "--learner", "network", "--db", str(simulated_db), "-o", str(path)
        )
        assert code == 0, err
        assert f"wrote {path}" in out
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert "transition began at exposure" in svg.read_text(encoding="utf-8")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("report.gif", "use .svg or .png"),
        ("report", "use .svg or .png"),
        ("missing-folder/report.svg", "does not exist"),
    ],
)
def test_output_refuses_a_bad_path_in_one_line(
    simulated_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    """A bad extension or a missing folder is one line on stderr, status 2, no file."""
    target = tmp_path / name
    code, _out, err = report(
        capsys, "modarith", "--learner", "network", "--db", str(simulated_db), "-o", str(target)
    )
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not target.exists()


def test_unwritable_output_is_one_line(
    simulated_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path that is a folder cannot be written: one clear line, status 2."""
    folder = tmp_path / "taken.svg"
    folder.mkdir()
    code, _, err = report(
        capsys, "modarith", "--learner", "network", "--db", str(simulated_db), "-o", str(folder)
    )
    assert code == 2
    assert err.startswith("drill: --output")
    assert len(err.strip().splitlines()) == 1


def test_empty_history_and_undrilled_deck_get_one_friendly_line(
    simulated_db: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No history, or a deck never drilled: one line, status 0, with or without a deck."""
    History.open(str(db_path)).close()
    cases = [
        ("modarith", "--learner", "nobody", "--db", str(db_path)),
        ("--learner", "nobody", "--db", str(db_path)),
        ("control", "--learner", "network", "--db", str(simulated_db)),
        ("control", "--learner", "network", "--db", str(simulated_db), "--json"),
    ]
    for argv in cases:
        code, out, err = report(capsys, *argv)
        assert code == 0, err
        assert len(out.strip().splitlines()) == 1, out
        assert "drill start" in out


def test_unknown_deck_is_a_deck_error(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown deck name ends with the usual one-line error and status 2."""
    code, _, err = report(capsys, "no-such-deck", "--db", str(db_path))
    assert code == 2
    assert err.startswith("drill:")
    assert "no-such-deck" in err


def test_since_filters_attempts_and_events(
    simulated_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--since keeps only attempts shown from then on; epochs still count from the start."""
    rows = exposures_of(simulated_db, "network")
    cut = next(r for r in rows if r["exposure"] == 601)["shown_at"]
    data = report_json(capsys, simulated_db, "network", "--since", cut)
    kept = [r for r in rows if r["shown_at"] >= cut]
    assert data["exposures"] == len(kept)
    assert data["curve"][0]["train"]["from"] >= 601
    assert all(e["at"] >= cut for e in data["events"])
    before = sum(1 for r in rows if not r["probe"] and r["shown_at"] < cut)
    last = data["curve"][-1]
    trained = sum(1 for r in rows if not r["probe"] and r["exposure"] <= last["exposure"])
    assert trained > before
    assert last["epochs"] == pytest.approx(trained / N_TRAIN, abs=1e-6)
    code, out, _ = report(
        capsys,
        "modarith",
        "--learner",
        "network",
        "--db",
        str(simulated_db),
        "--since",
        "2099-01-01",
    )
    assert code == 0
    assert "since 2099-01-01" in out


def test_bad_since_is_one_line(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A --since that is not a date is refused in one line."""
    code, _, err = report(capsys, "modarith", "--db", str(db_path), "--since", "last tuesday")
    assert code == 2
    assert "--since" in err


def small_of(small: SmallCurves | None) -> RenderableType:
    """The summary's small chart, drawn as the summary screen draws it (60 by 6)."""
    from rich.text import Text

    from drill.report.terminal import small_curve

    return Text("") if small is None else small_curve(small.curves, small.network, 60, 6)


def test_small_curve_fits_the_summary(simulated_db: Path) -> None:
    """The app's small curve is at most 60 columns by 6 lines and shows both learners' curves."""
    from rich.console import Console

    from drill.app.report import session_curves
    from drill.decks import load_deck

    history = History.open(str(simulated_db))
    try:
        curve = small_of(session_curves(history, "network", load_deck("modarith", [])))
        nobody = small_of(session_curves(history, "nobody", load_deck("modarith", [])))
    finally:
        history.close()
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(curve)
    lines = console.export_text().rstrip("\n").splitlines()
    assert len(lines) <= 6
    assert max(len(line.rstrip()) for line in lines) <= 60
    assert "held-out" in lines[-1]
    assert "network" in lines[-1]
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(nobody)
    assert console.export_text().strip() == ""


def test_small_curve_of_a_first_session_names_its_exposures(tmp_path: Path) -> None:
    """After three answers the legend's range is the exposures drawn, first to last."""
    from rich.console import Console

    from drill.app.report import session_curves
    from drill.decks import load_deck

    db = str(tmp_path / "first.db")
    assert main(["simulate", "modarith", "--kind", "lookup", "--items", "3", "--db", db]) == 0
    history = History.open(db)
    try:
        curve = small_of(session_curves(history, "lookup", load_deck("modarith", [])))
    finally:
        history.close()
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(curve)
    legend = console.export_text().rstrip("\n").splitlines()[-1]
    span = legend.split("exposure")[1].lstrip("s ").split("–")
    low, high = int(span[0]), int(span[-1])
    assert 1 <= low <= high <= 3


def test_early_reveal_is_marked(
    simulated_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `drill rule --force` shows up as an early-reveal mark at the learner's exposure."""
    db = tmp_path / "copy.db"
    shutil.copy(simulated_db, db)
    assert main(["rule", "modarith", "--learner", "lookup", "--db", str(db), "--force"]) == 0
    capsys.readouterr()
    data = report_json(capsys, db, "lookup")
    early = [m for m in data["marks"] if m["kind"] == "early_reveal"]
    assert [m["exposure"] for m in early] == [600]
    assert early[0]["label"] == "rule revealed early at exposure 600"
    code, out, _ = report(capsys, "modarith", "--learner", "lookup", "--db", str(db))
    assert code == 0
    assert "rule revealed early at exposure 600" in out


def test_matplotlib_is_imported_only_for_a_picture(simulated_db: Path, tmp_path: Path) -> None:
    """`drill report --json` and the terminal report never import matplotlib; --output does."""
    script = (
        "import sys, contextlib, io\n"
        "from drill.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(sys.argv[1:]) == 0\n"
        "print('matplotlib' in sys.modules)\n"
    )
    base = ["report", "modarith", "--learner", "network", "--db", str(simulated_db)]
    for extra, imported in (
        (["--json"], "False"),
        ([], "False"),
        (["-o", str(tmp_path / "r.svg")], "True"),
    ):
        done = subprocess.run(
            [sys.executable, "-c", script, *base, *extra],
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.strip() == imported, (extra, done.stderr)


def test_a_chess_history_with_failed_second_moves_reports_true_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mates in two missed at the second move count as misses, in every bin (this crashed,
    or with two such bins silently miscounted, before)."""
    db = tmp_path / "chess.db"
    argv = ["simulate", "chess", "--kind", "lookup", "--items", "300", "--db", str(db)]
    assert main([*argv, "-p", "motifs=mate-in-2", "-p", "session.length=100"]) == 0
    capsys.readouterr()
    history = History.open(str(db))
    try:
        rows = list(history.export("lookup"))
    finally:
        history.close()
    final: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["result"] != "unreadable":
            final[row["exposure"]] = row  # an exposure's outcome is its last step's
    assert any(r["step"] == 1 and not r["correct"] for r in final.values())
    variant = ["-p", "motifs=mate-in-2", "-p", "session.length=100"]  # the variant drilled
    code, out, _ = report(
        capsys, "chess", "--learner", "lookup", "--db", str(db), "--json", *variant
    )
    assert code == 0
    point = json.loads(out)["curve"][-1]
    trained = [r for r in final.values() if not r["probe"]]
    train = [r for r in trained if point["train"]["from"] <= r["exposure"] <= point["exposure"]]
    hits = [r for r in train if r["correct"] and not r["timed_out"]]
    assert point["train"]["correct"] == len(hits)


def test_the_report_without_a_deck_keeps_each_deck_on_one_line_at_80_columns(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`drill report` at 80 columns: one line per deck, the state named in the table and
    its whole sentence under it."""
    from drill.app.simulate import simulate
    from drill.decks import load_deck
    from drill.store.history import History

    with History.open(str(db_path)) as history:
        for deck in ("modarith", "chords"):
            simulate(load_deck(deck), history, kind="rule", items=60, seed=0, learner="ann")
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = report(capsys, "--learner", "ann", "--db", str(db_path))
    assert code == 0
    lines = out.splitlines()
    rows = [line for line in lines if line.lstrip().startswith(("modarith ", "chords "))]
    assert len(rows) == 2
    assert all(len(line.rstrip()) <= 80 for line in lines)
    assert all(row.rstrip().endswith("found it") for row in rows)
    assert any(line.startswith("modarith: found it at exposure") for line in lines)
