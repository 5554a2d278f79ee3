"""One picture entry point for every result that has a picture."""

import pytest

from monoselect import (
    InvalidInput,
    make_conditions,
    make_scenario,
    make_symptom,
    recommend,
    simulate,
    troubleshoot,
    write_picture,
)


@pytest.mark.parametrize(
    "make",
    [
        lambda: simulate(make_scenario(eq=1.0)),
        lambda: recommend(make_conditions()),
        lambda: troubleshoot(make_scenario(eq=1.0), make_symptom(observed="bis 40 %")),
    ],
)
def test_every_result_draws_through_one_entry_point(tmp_path, make):
    path = write_picture(make(), tmp_path / "p.svg")
    text = path.read_text()
    assert "<svg" in text and len(text) > 5000


def test_a_result_without_a_picture_says_so(tmp_path):
    with pytest.raises(InvalidInput, match="no picture"):
        write_picture(object(), tmp_path / "p.svg")
    assert not (tmp_path / "p.svg").exists()
