"""Participant set-up: `infoview init` (prompts or a profile file) and notebook 00's checks."""

from __future__ import annotations

import builtins
import datetime as dt
import json
import os
import stat
import subprocess
import sys

import pytest

from infoview_kit import onboarding
from infoview_kit.base.errors import InputFormatError, ProfileExistsError
from infoview_kit.cli import main
from infoview_kit.store import PROFILE_FIELDS
from infoview_kit.workbook import Workbook

from ..conftest import ROOT, failed, ok

FILLED = """\
name: Sam Okafor
email: sam.okafor@example.org
status: working
target_industry: public health analytics
target_roles: [Data Analyst, Epidemiology Analyst]
schools:
  - Lakeside University
signature: |-
  Sam Okafor
  sam.okafor@example.org
country: GB-SCT
timezone: Europe/London
"""


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _answers(monkeypatch, answers: list[str | type[BaseException]]) -> list[str]:
    """Feed the prompts; an exception class in the list is raised at that prompt. Return the questions."""
    asked: list[str] = []

    def fake_input(prompt: str = "") -> str:
        asked.append(prompt)
        answer = answers.pop(0)
        if isinstance(answer, type):
            raise answer()
        return answer

    monkeypatch.setattr(builtins, "input", fake_input)
    return asked


def test_the_shipped_template_names_every_profile_field_and_loads_empty(tmp_path, capsys):
    assert main(["init", "--print-template"]) == 0
    text = capsys.readouterr().out
    template = tmp_path / "profile.yaml"
    template.write_text(text)
    loaded = onboarding.load_profile_file(template)
    assert set(loaded) == set(PROFILE_FIELDS)
    assert not any(loaded.values())
    for key in PROFILE_FIELDS:
        assert f"\n{key}:" in text and "#" in text.split(f"\n{key}:", 1)[1].splitlines()[0], f"{key} has a comment"


def test_init_from_a_yaml_file_creates_a_private_workbook_and_says_what_next(tmp_path, capsys):
    profile = tmp_path / "profile.yaml"
    profile.write_text(FILLED)
    target = tmp_path / "me" / "workbook.sqlite"
    assert main(["init", "--workbook", str(target), "--profile", str(profile)]) == 0
    out = capsys.readouterr().out
    assert _mode(target) == 0o600
    assert "00_start_here.ipynb" in out and "infoview app --workbook" in out
    assert f"export INFOVIEW_WORKBOOK={target}" in out  # not the default path: say how other commands find it
    copies = target.parent / "notebooks"  # the private copies of the notebooks, beside the workbook
    assert f"Your notebooks: private copies in {copies}" in out and f"infoview lab --workbook {target}" in out
    assert _mode(copies) == 0o700 and _mode(copies / "00_start_here.ipynb") == 0o600
    assert "Left empty:" in out and "current_employer" in out
    with Workbook.open(target, read_only=True) as wb:
        stored = wb.profile()
    assert stored["name"] == "Sam Okafor"
    assert stored["target_roles"] == ["Data Analyst", "Epidemiology Analyst"]
    assert stored["signature"] == "Sam Okafor\nsam.okafor@example.org"
    assert (stored["country"], stored["timezone"]) == ("GB-SCT", "Europe/London")


def test_init_from_json_into_the_default_workbook(tmp_path, capsys):
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"name": "Ana Lima", "interests": "chess; cycling", "timezone": "America/Sao_Paulo",
                                   "country": "BR"}))
    assert main(["init", "--profile", str(profile)]) == 0
    default = tmp_path / "default-workbook.sqlite"  # conftest points $INFOVIEW_WORKBOOK here
    out = capsys.readouterr().out
    assert "export INFOVIEW_WORKBOOK" not in out and "infoview app\n" in out + "\n"
    with Workbook.open(default, read_only=True) as wb:
        assert wb.profile()["interests"] == ["chess", "cycling"]


def test_init_still_makes_the_workbook_when_the_notebooks_cannot_be_copied(tmp_path, monkeypatch, capsys):
    from infoview_kit import workspace

    monkeypatch.setattr(workspace, "shipped_dir", lambda: tmp_path / "nowhere")
    profile = tmp_path / "p.yaml"
    profile.write_text("name: Jo\ntimezone: Europe/Berlin\n")
    target = tmp_path / "wb.sqlite"
    assert main(["init", "--workbook", str(target), "--profile", str(profile)]) == 0
    out = capsys.readouterr().out
    assert "No private copies of the notebooks:" in out and "no notebooks" in out
    assert target.exists() and not (tmp_path / "wb.notebooks").exists()


def test_init_again_brings_the_copies_up_to_date(tmp_path):
    target = tmp_path / "workbook.sqlite"
    first = onboarding.init_workbook(target, {"name": "Jo"})
    assert first.workspace is not None and {u.action for u in first.workspace.notebooks} == {"created"}
    again = onboarding.init_workbook(target, {"name": "Jo Park"}, force=True)
    assert again.workspace is not None and {u.action for u in again.workspace.notebooks} == {"unchanged"}
    assert onboarding.init_workbook(tmp_path / "other.sqlite", {}, workspace=False).workspace is None
    assert not (tmp_path / "other.notebooks").exists()


def test_an_existing_profile_is_never_overwritten_unless_forced(tmp_path, capsys):
    profile = tmp_path / "p.yaml"
    profile.write_text(FILLED)
    target = tmp_path / "wb.sqlite"
    assert main(["init", "--workbook", str(target), "--profile", str(profile)]) == 0
    capsys.readouterr()
    before = target.read_bytes()
    profile.write_text("name: Someone Else\n")
    assert main(["init", "--workbook", str(target), "--profile", str(profile)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(target) in err[0] and "Sam Okafor" in err[0] and "--force" in err[0]
    assert target.read_bytes() == before
    assert main(["init", "--workbook", str(target), "--profile", str(profile), "--force"]) == 0
    with Workbook.open(target, read_only=True) as wb:
        stored = wb.profile()
    assert stored["name"] == "Someone Else"
    assert stored["timezone"] == "Europe/London", "fields the file leaves out are kept"


def test_a_workbook_with_contacts_but_no_profile_gets_one_without_force(demo_path, tmp_path):
    with Workbook.open(demo_path) as wb:
        wb.set_profile(**{k: None for k in PROFILE_FIELDS})
        contacts = len(wb.contacts())
    profile = tmp_path / "p.yaml"
    profile.write_text("name: Alex\ntimezone: America/Chicago\n")
    assert main(["init", "--workbook", str(demo_path), "--profile", str(profile)]) == 0
    with Workbook.open(demo_path, read_only=True) as wb:
        assert wb.profile()["name"] == "Alex" and len(wb.contacts()) == contacts


def test_an_existing_workbook_readable_by_others_is_made_private(tmp_path, capsys):
    target = tmp_path / "wb.sqlite"
    Workbook.open(target).close()
    os.chmod(target, 0o644)
    profile = tmp_path / "p.json"
    profile.write_text('{"name": "Kim"}')
    assert main(["init", "--workbook", str(target), "--profile", str(profile)]) == 0
    assert _mode(target) == 0o600
    assert "now readable by you only" in capsys.readouterr().out


BAD_FILES = [
    # (file name, content, what the one error line must contain)
    ("p.yaml", "name: Sam\ntimezon: Europe/London\n", ["line 2", "'timezon' is unknown", "did you mean 'timezone'"]),
    ("p.yaml", "name: Sam\ntimezone: Mars/Olympus_Mons\n", ["line 2", "'timezone'", "IANA name"]),
    ("p.yaml", "country: XX\n", ["line 1", "'country'", "XX"]),
    ("p.yaml", "country: NO\n", ["line 1", "'country'", "yes/no value", '"NO"']),
    ("p.yaml", "schools:\n  - {name: Lakeside}\n", ["line 1", "'schools'", "list of text", "mapping"]),
    ("p.yaml", "name: [Sam, Okafor]\n", ["'name'", "expected text, found a list"]),
    ("p.yaml", "- name: Sam\n", ["expected a mapping of profile fields", "found a list"]),
    ("p.yaml", "name: Sam\n  timezone: [Europe/London\n", ["not valid YAML"]),
    ("p.json", '{"name": "Sam",\n "timezone": }', ["line 2", "not valid JSON"]),
    ("p.yaml", "name: " + "x" * 70_000 + "\n", ["too big for a profile"]),
]


@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES, ids=[b[2][-1][:30] for b in BAD_FILES])
def test_a_bad_profile_file_exits_2_naming_file_and_field_and_writes_nothing(tmp_path, capsys, name, content,
                                                                              expected):
    path = tmp_path / name
    path.write_text(content)
    target = tmp_path / "wb.sqlite"
    assert main(["init", "--workbook", str(target), "--profile", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert str(path) in err[0]
    for part in expected:
        assert part in err[0]
    assert not target.exists(), "nothing is created for a bad file"


def test_profile_file_errors_keep_path_and_line(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: Sam\ntimezone: Nowhere/Land\n")
    with pytest.raises(InputFormatError) as info:
        onboarding.load_profile_file(path)
    assert (info.value.path, info.value.line) == (str(path), 2)


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: None, "no such profile file"),
    (lambda p: p.write_bytes(b"name: \xff\xfe Sam\n"), "not UTF-8"),
    (lambda p: p.mkdir(), "is a folder"),
])
def test_unreadable_profile_files_are_named(tmp_path, capsys, make, expected):
    path = tmp_path / "p.yaml"
    make(path)
    assert main(["init", "--workbook", str(tmp_path / "wb.sqlite"), "--profile", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and expected in err


def test_prompts_offer_defaults_explain_a_bad_answer_and_ask_again(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TZ", "America/Chicago")
    answers = ["Jo Park", "jo@example.org", "graduate", "", "", "", "Data Analyst, BI Analyst", "",
               "", "", "", "", "", "", r"Jo Park\nRiverton",
               "Narnia", "US",                      # a bad country, then a good one
               "Mars/Base", ""]                     # a bad time zone, then Enter: the guessed default
    asked = _answers(monkeypatch, answers)
    target = tmp_path / "wb.sqlite"
    assert main(["init", "--workbook", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Unknown country code 'Narnia'" in out and "time zone 'Mars/Base'" in out and out.count("Try again") == 2
    assert asked[-1].endswith("[America/Chicago]: ")
    assert sum(q.startswith("Country") for q in asked) == 2
    with Workbook.open(target, read_only=True) as wb:
        stored = wb.profile()
    assert stored["target_roles"] == ["Data Analyst", "BI Analyst"]
    assert stored["signature"] == "Jo Park\nRiverton"
    assert (stored["country"], stored["timezone"]) == ("US", "America/Chicago")
    assert _mode(target) == 0o600


@pytest.mark.parametrize(("stop", "code", "message"), [(EOFError, 2, "cancelled (end of input); nothing was written"),
                                                       (KeyboardInterrupt, 130, "cancelled; nothing was written")])
def test_ctrl_d_or_ctrl_c_at_a_prompt_leaves_nothing_behind(tmp_path, monkeypatch, capsys, stop, code, message):
    _answers(monkeypatch, ["Jo Park", "jo@example.org", stop])
    target = tmp_path / "new" / "wb.sqlite"
    assert main(["init", "--workbook", str(target)]) == code
    assert message in capsys.readouterr().err
    assert not target.exists() and not target.with_name("wb.sqlite-wal").exists()


def test_ctrl_d_while_replacing_a_profile_keeps_the_old_one_byte_for_byte(demo_path, monkeypatch, capsys):
    before = demo_path.read_bytes()
    asked = _answers(monkeypatch, ["", "", EOFError])
    assert main(["init", "--workbook", str(demo_path), "--force"]) == 2
    assert "[Alex Rivera-Quinn]" in asked[0], "the current profile is offered as the default"
    assert demo_path.read_bytes() == before


def test_init_refuses_before_asking_anything(demo_path, monkeypatch, capsys):
    asked = _answers(monkeypatch, [])
    assert main(["init", "--workbook", str(demo_path)]) == 2
    assert asked == [] and "already has a profile (for Alex Rivera-Quinn)" in capsys.readouterr().err


def test_init_workbook_removes_a_workbook_it_created_when_storing_fails(tmp_path):
    target = tmp_path / "wb.sqlite"
    with pytest.raises(InputFormatError):
        onboarding.init_workbook(target, {"name": "Jo", "timezone": "Not/AZone"})
    assert not target.exists()
    onboarding.init_workbook(target, {"name": "Jo"})
    with pytest.raises(ProfileExistsError):
        onboarding.init_workbook(target, {"name": "Other"})


def test_the_command_reads_answers_from_a_pipe(tmp_path):
    """The installed command end to end: answers piped in, one per line, as a script would."""
    target = tmp_path / "wb.sqlite"
    answers = "\n".join(["Jo Park", "", "working", *[""] * 12, "DE", "Europe/Berlin"]) + "\n"
    env = {**os.environ, "INFOVIEW_WORKBOOK": str(tmp_path / "unused.sqlite")}
    proc = subprocess.run([sys.executable, "-m", "infoview_kit.cli", "init", "--workbook", str(target)], input=answers,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Workbook created" in proc.stdout
    with Workbook.open(target, read_only=True) as wb:
        assert wb.profile()["country"] == "DE"
    short = subprocess.run([sys.executable, "-m", "infoview_kit.cli", "init", "--workbook", str(tmp_path / "b.sqlite")],
                           input="Jo\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert short.returncode == 2 and "nothing was written" in short.stderr
    assert not (tmp_path / "b.sqlite").exists()


# ---------------------------------------------------------------- notebook 00's checks, without a browser
def test_check_setup_reports_a_private_writable_workbook_and_what_is_missing(new_wb, demo_wb):
    rows = onboarding.check_setup(new_wb).set_index("check")
    assert list(rows.columns) == ["value", "ok", "next"]
    assert rows.loc["readable by you only", "ok"] and rows.loc["can be saved to", "ok"]
    assert not rows.loc["profile", "ok"] and "infoview init" in rows.loc["profile", "next"]
    assert rows.loc["contacts", "next"].startswith("import")
    assert rows.loc["Python", "ok"] and rows.loc["ipywidgets", "ok"]
    demo = onboarding.check_setup(demo_wb).set_index("check")
    assert demo["ok"].all(), demo


def test_check_setup_flags_a_workbook_others_can_read(new_wb):
    os.chmod(new_wb.path, 0o644)
    rows = onboarding.check_setup(new_wb).set_index("check")
    assert not rows.loc["readable by you only", "ok"]
    assert rows.loc["readable by you only", "next"] == f"chmod 600 {new_wb.path}"


def test_widget_check_answers_and_shows_a_read_only_workbook(demo_path):
    from infoview_kit.views.forms import WidgetCheck

    with Workbook.open(demo_path) as wb:
        check = WidgetCheck(wb)
        check._button.click()
        assert "Forms work" in ok(check) and check.clicks == 1
    with Workbook.open(demo_path, read_only=True) as ro:
        check = WidgetCheck(ro)
        check._button.click()
        assert "read-only" in failed(check) and check.clicks == 0


@pytest.mark.slow
def test_notebook_00_runs_headless_on_a_brand_new_workbook(tmp_path):
    from infoview_kit.reports.run import run_notebooks

    target = tmp_path / "fresh" / "workbook.sqlite"
    result = run_notebooks(target, dt.date(2026, 11, 25), tmp_path / "out", notebooks=["00_start_here.ipynb"],
                           progress=False)
    html = result.html[0].read_text()
    assert "readable by you only" in html and "workbook.sqlite" in html and str(target) not in html  # named, not placed
    assert _mode(target) == 0o600


@pytest.mark.browser
@pytest.mark.slow
def test_notebook_00_in_jupyterlab_shows_the_checks_and_its_forms_work(lab, page, demo_path, artifacts):
    from playwright.sync_api import expect

    from ..conftest import run_all_cells

    run_all_cells(page, lab("00_start_here.ipynb", demo_path))
    expect(page.locator(".jp-OutputArea").get_by_text("readable by you only")).to_be_visible()
    page.locator(".jp-OutputArea button.widget-button", has_text="Check forms").click()
    expect(page.locator(".jp-OutputArea").get_by_text("Forms work, and your workbook")).to_be_visible()
    page.screenshot(path=str(artifacts / "lab_00_start_here.png"))
