"""Nothing dropped from the printed page without a word: long tokens wrap inside tables."""

from __future__ import annotations

from pathlib import Path

from .helpers import pdf_text, run

MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"
# As SharePoint makes them: after the host, one run of 60 characters with no place to break.
SHAREPOINT = (
    "https://loamshire.sharepoint.com/:w:/Doc.aspx?sourcedoc=%7B4F3A2B1C9D8E4F7AB6C5D4E3F2A1B0C9%7D%7B4F3A2B1C9D%7D"
)


def test_a_long_link_in_a_table_cell_wraps_and_every_column_is_printed(tmp_path: Path) -> None:
    assert 90 <= len(SHAREPOINT) <= 110
    spec = tmp_path / "long-link.yaml"
    action = (
        "      actions:\n"
        f"        - text: 'The plan is kept at {SHAREPOINT} for staff.'\n"
        "          owner: Detective Superintendent\n"
        "          due: 2026-01-31\n"
        "          status: in progress\n"
    )
    text = MINIMAL.read_text().replace(
        "      response: Accepted; the force has a plan.\n",
        "      response: Accepted; the force has a plan.\n" + action,
    )
    spec.write_text(text)
    code, _, err = run("render", spec, "-o", tmp_path, "--format", "pdf")
    assert code == 0, err
    printed = pdf_text(tmp_path / "long-link.pdf")
    words = printed.split()
    for header in ("Action", "Owner", "Due", "Status"):
        assert header in words
    assert "Detective" in words and "Superintendent" in words
    assert "31 January 2026" in " ".join(words)
    assert "In progress" in " ".join(words)
    assert SHAREPOINT in "".join(words)  # broken across lines, but all printed
