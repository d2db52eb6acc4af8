"""The walk of test_journey_lab.py and test_journey_app.py: the whole human path, by clicking only,
as a new user takes it: from an empty workbook to charts that agree, with `git status` clean at the
end. In JupyterLab (`infoview lab` on the private copies of the notebooks) and in the no-code app
(`infoview app`, Voila).

A graduate moving into clinical research, in a git project of her own: `infoview init` from the
profile her coach handed out, then every notebook driven through its widgets in Debian's headless
Chromium. After each step the test reads what the workbook holds. A screenshot per step is kept in
test-artifacts/ (journey_lab_*.png, journey_app_*.png).

Skipped with a visible reason where Chromium is missing, except under CI=true, where that fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from infoview_kit import followup as followups
from infoview_kit.cli import main
from infoview_kit.reports import charts
from infoview_kit.workbook import Workbook

from ..conftest import _git, need_browser, run_all_cells, start_infoview, stop_server

PROFILE = """\
name: Maya Okafor
email: maya.okafor@example.org
status: graduate
school_status: a recent Biology graduate of Riverbend State University
target_industry: clinical research
target_roles: [Clinical Research Coordinator, Clinical Research Associate]
change_wanted: get into clinical research
schools: [Riverbend State University]
employers: [Greenfield Pharmacy]
city: Columbus
interests: [running, science writing]
signature: |-
  Maya Okafor
country: US
timezone: America/New_York
"""

# an invented LinkedIn export: the first lines as LinkedIn writes them, then the connections
CONNECTIONS = """\
Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing."

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Jonah,Pike,https://www.linkedin.com/in/jonah-pike-demo,,Harbor Health Research,Clinical Research Coordinator,02 Oct 2026
Lena,Vogt,https://www.linkedin.com/in/lena-vogt-demo,lena@example.org,Harbor Health Research,Recruiter,14 Sep 2026
Omar,Haddad,https://www.linkedin.com/in/omar-haddad-demo,,Lakeview Trials,Clinical Data Manager,01 Aug 2026
Rosa,Lind,https://www.linkedin.com/in/rosa-lind-demo,,Northgate Bank,Teller,12 Jun 2026
"""

PERSONAL = ["Maya Okafor", "Priya Natarajan", "Jonah", "Harbor Health Research", "maya.okafor@example.org",
            "Riverbend Clinic"]


class Journey:
    """One person's way through the notebooks in one surface (JupyterLab or the app), by clicking."""

    def __init__(self, page, url: str, surface: str, workbook: Path, artifacts: Path) -> None:
        self.page, self.url, self.surface, self.workbook, self.artifacts = page, url, surface, workbook, artifacts
        self.step = 0

    # -------------------------------------------------------------- the surface
    def open(self, notebook: str, ready: str) -> None:
        """Open `notebook` and run it as the surface does; wait for the widget titled `ready`."""
        from playwright.sync_api import expect

        url = re.sub(r"0\d_[a-z_]+\.ipynb", notebook, self.url)
        if self.surface == "lab":
            run_all_cells(self.page, url + "&reset")
        else:
            self.page.goto(url)  # Voila runs every cell, code hidden
        expect(self.form(ready)).to_be_visible()
        assert "Traceback" not in self.page.inner_text("body")

    def form(self, title: str):
        """The innermost widget box holding the bold title `title`."""
        return self.page.locator(".widget-vbox", has=self.page.locator("b", has_text=title)).last

    def shot(self, name: str, locator=None) -> None:
        self.step += 1
        if locator is not None:
            locator.scroll_into_view_if_needed()
        self.page.screenshot(path=str(self.artifacts / f"journey_{self.surface}_{self.step:02d}_{name}.png"))

    def wb(self) -> Workbook:
        return Workbook.open(self.workbook, read_only=True)

    @staticmethod
    def field(form, label: str):
        return form.locator(".widget-text", has=form.page.get_by_text(label, exact=True)).locator("input")

    @staticmethod
    def find(form, typed: str, name: str) -> None:
        """Type part of a name into the person search of `form`, wait for the list to follow, click them."""
        from playwright.sync_api import expect

        form.get_by_placeholder("type a name, company or email").fill(typed)
        first = form.locator(".widget-select select").first
        expect(first.locator("option").first).to_contain_text(name)
        first.select_option(index=0)

    @staticmethod
    def pick(select, text: str) -> None:
        """Choose the option of `select` whose label holds `text`, as a click on it does."""
        select.select_option(label=select.locator("option", has_text=text).first.inner_text().strip())

    @staticmethod
    def button(form, label: str):
        return form.locator("button.widget-button", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))

    # -------------------------------------------------------------- 01
    def find_contacts(self, export: Path) -> tuple[int, int]:
        from playwright.sync_api import expect

        self.open("01_find_contacts.ipynb", "Import your contacts")
        importer = self.form("Import your contacts")
        with self.page.expect_file_chooser() as chooser:
            importer.locator(".widget-upload").first.click()
        chooser.value.set_files(str(export))
        self.button(importer, "Import").click()
        expect(importer.locator(".widget-html", has_text="Imported Connections.csv: 4 added")).to_be_visible()
        self.shot("import_upload", importer)
        with self.wb() as wb:
            assert len(wb.contacts()) == 4
            jonah = wb.find_contact("Jonah Pike")

        form = self.form("Add or edit a person you know")
        self.field(form, "First name").fill("Priya")
        self.field(form, "Last name").fill("Natarajan")
        self.field(form, "Company").fill("Riverbend Clinic")
        self.field(form, "Position").fill("Research Assistant")
        self.button(form, "Add contact").click()
        expect(form.locator(".widget-html", has_text="Added Priya Natarajan, Research Assistant at Riverbend "
                                                     "Clinic")).to_be_visible()
        expect(self.field(form, "First name")).to_have_value("")  # Add clears the form
        self.shot("person_added", form)
        with self.wb() as wb:
            priya = wb.find_contact("Priya Natarajan")
            assert wb.contact(priya)["position"] == "Research Assistant"

        form.locator(".widget-toggle-buttons").get_by_role("button", name=re.compile("Edit")).click()
        self.find(form, "priya", "Priya Natarajan")
        expect(self.field(form, "Last name")).to_have_value("Natarajan")
        self.field(form, "Position").fill("Clinical Research Coordinator")
        self.field(form, "Email").fill("priya.n@example.org")
        self.button(form, "Save changes").click()
        expect(form.locator(".widget-html", has_text="Saved Priya Natarajan, Clinical Research Coordinator")
               ).to_be_visible()
        self.shot("person_edited", form)
        with self.wb() as wb:
            stored = wb.contact(priya)
            assert (stored["position"], stored["email"]) == ("Clinical Research Coordinator", "priya.n@example.org")
            assert len(wb.contacts()) == 5, "an edit adds nobody"

        rater = self.form("Rate your target employers")
        self.field(rater, "Employer").fill("harbor")
        expect(rater.locator(".widget-select select").first.locator("option").first).to_contain_text("Harbor")
        rater.locator(".widget-select select").first.select_option(index=0)
        rater.locator(".widget-toggle-buttons", has_text="Motivation").get_by_role("button", name="3").click()
        rater.locator(".widget-toggle-buttons", has_text="Posting").get_by_role("button", name="target role").click()
        self.button(rater, "Save rating").click()
        expect(rater.locator(".widget-html", has_text="Saved: Harbor Health Research")).to_be_visible()
        self.shot("employer_rated", rater)
        with self.wb() as wb:
            harbor = wb.employers().set_index("name").loc["Harbor Health Research"]
            assert (harbor["motivation"], harbor["posting"]) == (3, 3)

        chooser_form = self.form("Choose whom to contact next")
        for name in ("Jonah Pike", "Priya Natarajan"):
            self.pick(chooser_form.locator("select"), name)
            self.button(chooser_form, "Contact this person").click()
            expect(chooser_form.locator(".widget-html", has_text=f"Added {name}")).to_be_visible()
        self.shot("people_chosen", chooser_form)
        with self.wb() as wb:
            stages = wb.contacts().set_index("id")["stage"]
            assert stages[jonah] == stages[priya] == "identified"
            assert wb.current()["contact_id"] == priya, "the last one chosen is the person being worked on"
        return priya, jonah

    # -------------------------------------------------------------- 02
    def research(self, priya: int) -> None:
        from playwright.sync_api import expect

        self.open("02_research.ipynb", "Research notes")
        form = self.form("Research notes")
        expect(form.locator(".widget-select select").first.locator("option:checked")).to_contain_text(
            "Priya Natarajan")  # opens on the person being worked on
        for title in ("Led patient recruitment for a 200-person asthma study", "Presented at the regional CRC day"):
            self.field(form, "Title or fact").fill(title)
            self.field(form, "Link").fill("https://example.org/riverbend/news")
            self.button(form, "Add fact").click()
            expect(form.locator(".widget-html", has_text="Added accomplishment")).to_be_visible()
        self.shot("facts_added", form)
        self.pick(form.locator(".widget-select select").nth(1), "Presented at the regional CRC day")
        self.field(form, "Title or fact").fill("Presented recruitment results at the regional CRC day")
        self.button(form, "Save changes").click()
        expect(form.locator(".widget-html", has_text="changed title")).to_be_visible()
        self.shot("fact_edited", form)
        self.pick(form.locator(".widget-select select").nth(1), "Presented recruitment results")
        self.button(form, "Delete fact…").click()
        self.button(form, "Yes, delete").click()
        expect(form.locator(".widget-html", has_text="Deleted accomplishment")).to_be_visible()
        self.shot("fact_deleted", form)
        with self.wb() as wb:
            facts = wb.research(priya)["title"].tolist()
            assert facts == ["Led patient recruitment for a 200-person asthma study"]
            assert wb.current()["contact_id"] == priya

    # -------------------------------------------------------------- 03
    def compose(self, priya: int, jonah: int) -> None:
        from playwright.sync_api import expect

        self.open("03_draft_emails.ipynb", "Write")
        form = self.page.locator(".infoview-composer").last
        status = form.locator(".infoview-status")
        expect(form.locator(".infoview-who")).to_contain_text("Priya Natarajan")
        self._fill_blanks(form)
        self.button(form, "Save draft").click()
        expect(status).to_contain_text("Saved the draft to Priya Natarajan")
        self.button(form, "Sent").click()
        expect(status).to_contain_text("Marked sent on")
        expect(form.locator(".infoview-who")).to_contain_text("· emailed")
        self.shot("first_email_sent", form)
        with self.wb() as wb:
            sent = wb.messages(priya).query("kind == 'outreach'")
            assert sent["status"].tolist() == ["sent"] and "[" not in sent["body"].iloc[0]
        self.button(form, "They replied").click()
        expect(status).to_contain_text("Reply recorded: Priya Natarajan answered")
        self.shot("they_replied", form)
        with self.wb() as wb:
            assert wb.messages(priya).query("kind == 'outreach'")["status"].tolist() == ["replied"]
            assert followups.due(wb, horizon_days=30).query(f"contact_id == {priya}").empty

        # the second person: found by typing, written to, no reply yet
        self.find(form, "jonah", "Jonah Pike")
        expect(form.locator(".infoview-who")).to_contain_text("Jonah Pike")
        self._fill_blanks(form)
        self.button(form, "Sent").click()
        expect(status).to_contain_text("to Jonah Pike (first email")
        self.shot("second_email_sent", form)
        with self.wb() as wb:
            assert wb.messages(jonah).query("kind == 'outreach'")["status"].tolist() == ["sent"]
            assert sorted(wb.followups().query(f"contact_id == {jonah}")["kind"]) == ["nudge", "second_contact"]

    def _fill_blanks(self, form) -> None:
        """Fill every [blank] of the draft as a person would type it in."""
        from playwright.sync_api import expect

        body = form.locator(".widget-textarea textarea")
        expect(body).to_have_value(re.compile(r"\S"))
        text = re.sub(r"\[[A-Za-z_]+\]", "your work on patient recruitment", body.input_value())
        body.fill(text)
        subject = form.locator(".widget-text input").first
        subject.fill(re.sub(r"\[[A-Za-z_]+\]", "clinical research", subject.input_value()))

    # -------------------------------------------------------------- 04
    def interview(self, priya: int) -> int:
        from playwright.sync_api import expect

        self.open("04_log_interviews.ipynb", "Schedule a meeting")
        schedule = self.form("Schedule a meeting")
        schedule.locator("select").first.select_option(label="New meeting")
        self.find(schedule, "priya", "Priya Natarajan")
        schedule.locator("input[type=date]").fill(time.strftime("%Y-%m-%d"))
        self.button(schedule, "Propose").click()
        expect(schedule.locator(".widget-html", has_text="Proposed: Priya Natarajan")).to_be_visible()
        self.button(schedule, "Confirm").click()
        expect(schedule.locator(".widget-html", has_text="Confirmed: Priya Natarajan")).to_be_visible()
        self.shot("meeting_confirmed", schedule)
        with self.wb() as wb:
            (mid,) = wb.meetings().query(f"contact_id == {priya}")["id"].tolist()
            assert wb.meeting(mid)["status"] == "confirmed" and wb.current()["meeting_id"] == mid
            plan = wb.questions(mid)["text"].tolist()

        editor = self.form("Question plan: Priya Natarajan")
        self.button(editor, "✕").first.click()
        expect(editor.locator(".widget-html", has_text="Deleted:")).to_be_visible()
        editor.get_by_placeholder("Your own question, or pick one left out of the plan").fill(
            "Which skills mattered most in your first year as a coordinator?")
        self.button(editor, "Add question").click()
        expect(editor.locator(".widget-html", has_text="Added:")).to_be_visible()
        self.shot("plan_edited", editor)
        with self.wb() as wb:
            now = wb.questions(mid)["text"].tolist()
            assert plan[0] not in now and "Which skills mattered most in your first year as a coordinator?" in now

        timer = self.form("Keep time: Priya Natarajan")
        self.button(timer, "Start the clock").click()
        expect(timer.locator(".widget-html", has_text=re.compile(r"0:0[1-9] elapsed"))).to_be_visible()
        self.button(timer, "Stop the clock").click()
        expect(timer.locator(".widget-html", has_text="Stopped at")).to_be_visible()
        self.shot("timer", timer)

        log = self.form("Meeting log: Priya Natarajan")
        log.get_by_placeholder("The advice they gave you: the thank-you quotes it").fill(
            "Take the ACRP fundamentals course first.")
        log.get_by_placeholder("One per line, e.g. Jordan Pike, Cobalt Health").fill(
            "Dana Cole, Riverbend Clinic\nEli Park, Lakeview Trials")
        self.button(log, "Save log").click()
        expect(log.locator(".widget-html", has_text="Saved the log")).to_be_visible()
        self.shot("meeting_logged", log)
        with self.wb() as wb:
            m = wb.meeting(mid)
            assert m["status"] == "held" and m["advice"] == "Take the ACRP fundamentals course first."
            dana = wb.contact(wb.find_contact("Dana Cole"))
            assert dana["referred_by"] == priya
            thanks = wb.followups().query(f"contact_id == {priya} and kind == 'thank_you'")
            assert len(thanks) == 1 and thanks["done_at"].isna().all()
        return mid

    # -------------------------------------------------------------- 05
    def follow_up(self, priya: int, jonah: int) -> None:
        from playwright.sync_api import expect

        self.open("05_follow_up_progress.ipynb", "Follow-ups")
        board = self.page.locator(".infoview-board")
        status = board.locator(".infoview-status").first
        with self.wb() as wb:
            items = followups.due(wb, horizon_days=7)
        thank = items.query(f"contact_id == {priya} and kind == 'thank_you'")["key"].iloc[0]
        second = items.query(f"contact_id == {jonah} and kind == 'second_contact'")["key"].iloc[0]
        assert items.query(f"contact_id == {priya} and kind in ['second_contact', 'nudge']").empty
        css = lambda key: ".infoview-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)  # noqa: E731
        row = board.locator(css(thank))
        self.button(row, "Draft").click()
        composer = board.locator(".infoview-composer")
        expect(composer.locator(".infoview-message-state")).to_contain_text("Draft thank-you")
        self.shot("thank_you_drafted", composer)
        self._fill_blanks(composer)
        self.button(composer, "Sent").click()
        expect(composer.locator(".infoview-status")).to_contain_text("Marked sent on")
        expect(row).to_have_count(0)
        self.shot("thank_you_sent", composer)
        self.button(board.locator(css(second)), "Done").click()
        expect(status).to_contain_text("Done on")
        expect(board.locator(css(second))).to_have_count(0)
        self.shot("follow_up_done", board)
        with self.wb() as wb:
            assert wb.messages(priya).query("kind == 'thank_you'")["status"].tolist() == ["sent"]
            done = wb.followups().set_index("id")
            assert done.loc[int(second.split(":")[1]), "done_at"] is not None
            data = charts.chart_data(wb)
            funnel = data["funnel"].set_index("stage")["people"]
            assert (funnel["identified"], funnel["emailed"], funnel["replied"], funnel["met"], funnel["thanked"]) \
                == (2, 2, 1, 1, 1)
            assert charts.response_summary(data["responses"])["replied"] == 1
        # run the notebook again, as a person comes back to it: the board and the reading follow the workbook
        self.open("05_follow_up_progress.ipynb", "Follow-ups")
        board = self.page.locator(".infoview-board")
        expect(board.locator(css(thank))).to_have_count(0)
        expect(board.locator(css(second))).to_have_count(0)
        sentence = f"Funnel: {funnel['identified']} people chosen, {funnel['met']} met"
        reading = self.page.locator(".jp-RenderedMarkdown", has_text=sentence).last
        expect(reading).to_be_visible()
        assert "went on to 'thanked'" not in reading.inner_text(), "everyone met was thanked: no narrow step there"
        self.step += 1
        reading.screenshot(path=str(self.artifacts / f"journey_{self.surface}_{self.step:02d}_reading.png"))


def _project(tmp_path: Path, git_project: Path) -> tuple[Path, Path]:
    """The person's project with her profile and workbook made by `infoview init` (and her private copies)."""
    profile = tmp_path / "profile.yaml"
    profile.write_text(PROFILE)
    export = tmp_path / "Connections.csv"
    export.write_text(CONNECTIONS)
    workbook = git_project / "data" / "private" / "workbook.sqlite"
    cwd = os.getcwd()
    os.chdir(git_project)
    try:
        assert main(["init", "--profile", str(profile)]) == 0
    finally:
        os.chdir(cwd)
    assert workbook.exists() and (workbook.parent / "notebooks" / "01_find_contacts.ipynb").exists()
    return workbook, export


def _clean(git_project: Path, workbook: Path) -> None:
    """Nothing of the journey is in git: no file changed or added, no personal string in a tracked file."""
    assert _git(git_project, "status", "--porcelain", "--untracked-files=all") == ""
    for text in PERSONAL:
        assert subprocess.run(["git", "grep", "-q", "-i", text], cwd=git_project).returncode == 1, text
    out = subprocess.run([sys.executable, "-m", "infoview_kit.cli", "due", "--workbook", str(workbook)],
                         capture_output=True, text=True, cwd=git_project, check=True).stdout
    assert not re.search(r"Priya Natarajan\s+(Write to a second person|Send one short follow-up)", out), out


def walk(surface: str, tmp_path: Path, git_project: Path, page, artifacts: Path, monkeypatch) -> None:
    """From `infoview init` to charts that agree, by clicking only: in JupyterLab (`infoview lab`, on the
    private copies of the notebooks) or in the no-code app (`infoview app`, Voila, code hidden).

    One test module per surface (test_journey_lab.py, test_journey_app.py), so that the two walks, the
    longest tests, run on different workers."""
    need_browser()
    monkeypatch.delenv("INFOVIEW_WORKBOOK")
    workbook, export = _project(tmp_path, git_project)
    proc, url, _log = start_infoview(surface, tmp_path / surface, cwd=git_project)
    try:
        assert ("/voila/render/" if surface == "app" else "/lab/tree/") in url
        j = Journey(page, url, surface, workbook, artifacts)
        priya, jonah = j.find_contacts(export)
        if surface == "app":
            assert "import infoview_kit" not in page.content(), "code cells are hidden"
        j.research(priya)
        j.compose(priya, jonah)
        j.interview(priya)
        j.follow_up(priya, jonah)
    finally:
        stop_server(proc)
    _clean(git_project, workbook)
