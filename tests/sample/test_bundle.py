"""The bundled CSV files are exactly what the generator makes, and load back to it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from leadkit.errors import LoadError, ValidationError
from leadkit.sample import SampleData, _build, generate, load_sample, save_sample
from leadkit.sample._bundle import FILES


def test_the_bundled_sample_equals_the_generated_one() -> None:
    assert load_sample() == generate()


def test_the_committed_files_are_byte_for_byte_up_to_date() -> None:
    # Regenerating changes nothing: the bundle is deterministic and not stale.
    assert _build.main(["--check"]) == 0


def test_the_bundle_is_small_and_complete() -> None:
    folder = resources.files("leadkit.sample").joinpath("data")
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith((".csv", ".gz")))
    assert names == sorted(name for name, _, _ in FILES)
    total = sum(len(folder.joinpath(name).read_bytes()) for name in names)
    assert total < 3_000_000


def test_the_bundled_sample_is_read_once() -> None:
    assert load_sample() is load_sample()


def test_a_saved_sample_loads_back_equal(tmp_path: Path) -> None:
    data = generate(150, seed=9, events_per_lead=3)
    written = save_sample(data, tmp_path / "out")
    assert [path.name for path in written] == [name for name, _, _ in FILES]
    back = load_sample(tmp_path / "out")
    assert isinstance(back, SampleData)
    assert back == data
    assert back.duplicates == data.duplicates


def test_a_missing_or_damaged_sample_directory_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="leads.csv"):
        load_sample(tmp_path / "nowhere")
    save_sample(generate(20, seed=1, events_per_lead=1), tmp_path)
    leads = tmp_path / "leads.csv"
    leads.write_text(leads.read_text("utf-8").replace("lead-000003,", "lead-000003,,", 1), "utf-8")
    with pytest.raises(LoadError, match=r"leads.csv: line 4: expected \d+ cells"):
        load_sample(tmp_path)


def test_only_sample_data_can_be_saved(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="data: expected SampleData"):
        save_sample([], tmp_path)  # type: ignore[arg-type]
