"""People in the store: contacts, their details and flags, and the lean directory every person picker reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.keys import company_key, name_key, person_keys, url_key
from infoview_kit.base.text import HOW_KNOWN, clean_contact_fields, clean_text
from infoview_kit.base.validate import email as check_email
from infoview_kit.store.core import StoreCore, rowid
from infoview_kit.store.employers import sync_employers
from infoview_kit.store.schema import STAGE_OF_EVENT, STAGES, known_fields, utc_iso

_INVOLVED = """WHERE c.referred_by IS NOT NULL OR c.id IN (
    SELECT contact_id FROM messages UNION SELECT contact_id FROM meetings UNION SELECT contact_id FROM followups
    UNION SELECT referred_by FROM contacts WHERE referred_by IS NOT NULL)"""
#: What a write of contacts may run inside its transaction: ``then(ids)``, with the ids it wrote.
Then = Callable[[list[int]], object]
_CONTACT_FIELDS = ("first_name", "last_name", "email", "company", "position", "profile_url",
                   "connected_on", "how_known", "where_found", "notes")


class People(StoreCore):
    """Contacts: who they are, how you know them, what they are flagged (a mixin of the Store)."""

    def contact(self, contact_id: int) -> dict[str, Any]:
        """Return one contact as a dict (the columns of :meth:`contacts`).

        Raises
        ------
        NotFoundError
            If there is no such contact.
        """
        row = self._conn.execute("SELECT * FROM contacts WHERE id = ?", (int(contact_id),)).fetchone()
        if row is None:
            raise NotFoundError(f"no contact with id {contact_id} in {self.path}")
        cols = [d[0] for d in self._conn.execute("SELECT * FROM contacts LIMIT 0").description]
        return dict(zip(cols, row, strict=True))

    def find_contact(self, name: str) -> int:
        """Return the id of the one contact whose full name is `name` (case-insensitive).

        Raises
        ------
        NotFoundError
            If no contact, or more than one, has that name.
        """
        rows = self._conn.execute(
            "SELECT id FROM contacts WHERE lower(trim(coalesce(first_name, '') || ' ' || "
            "coalesce(last_name, ''))) = lower(trim(?))", (name,)).fetchall()
        if len(rows) != 1:
            what = "no contact" if not rows else f"{len(rows)} contacts"
            raise NotFoundError(f"{what} named {name!r} in {self.path}")
        return int(rows[0][0])

    def set_target(self, contact_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Choose a contact to reach out to (funnel stage 'identified'); True if newly chosen."""
        self.contact(contact_id)
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM events WHERE kind = 'targeted' AND contact_id = ?",
                         (contact_id,)).fetchone():
                return False
            self._event("targeted", utc_iso(at), contact_id)
        return True

    def contacts(self, *, involved_only: bool = False) -> pd.DataFrame:
        """Return every contact, one row each (with ``involved_only``: only people with a message,
        a meeting, a follow-up or a referral, which is all that follow-ups concern; much faster on a
        workbook of tens of thousands of connections).

        Columns: id, first_name, last_name, email, company, position, profile_url,
        connected_on (datetime64), how_known, where_found, notes, referred_by (Int64),
        is_recruiter (bool), pinned (bool), excluded (bool), stage (furthest funnel stage reached,
        or NA), sources (comma-separated), checkin_days (Int64: days between check-ins with this
        person, NA for the default), created_at (UTC datetime64).
        """
        case = " ".join(f"WHEN '{k}' THEN {STAGES.index(s)}" for k, s in STAGE_OF_EVENT.items())
        kinds = ", ".join(f"'{k}'" for k in STAGE_OF_EVENT)
        df = self._df(f"""
            WITH st AS (SELECT contact_id, max(stage) AS stage FROM (
                            SELECT contact_id, CASE kind {case} END AS stage FROM events
                            WHERE kind IN ({kinds}) AND contact_id IS NOT NULL
                            -- answer evidence beyond the log (followup.rules.answer_evidence): an introduction,
                            -- a thank-you follow-up marked done
                            UNION ALL SELECT referred_by, {STAGES.index("replied")} FROM contacts
                            WHERE referred_by IS NOT NULL
                            UNION ALL SELECT contact_id, {STAGES.index("thanked")} FROM followups
                            WHERE kind = 'thank_you' AND done_at IS NOT NULL AND skipped = 0)
                        GROUP BY contact_id),
                 so AS (SELECT contact_id, group_concat(DISTINCT source) AS sources FROM contact_sources
                        GROUP BY contact_id)
            SELECT c.id, c.first_name, c.last_name, c.email, c.company, c.position, c.profile_url,
                   c.connected_on, c.how_known, c.where_found, c.notes, c.referred_by,
                   c.is_recruiter, c.pinned, c.excluded, st.stage, so.sources, c.checkin_days, c.created_at
            FROM contacts c LEFT JOIN st ON st.contact_id = c.id LEFT JOIN so ON so.contact_id = c.id
            {_INVOLVED if involved_only else ""}
            ORDER BY c.id""")
        text = ["first_name", "last_name", "email", "company", "position", "profile_url",
                "how_known", "where_found", "notes", "sources"]
        df[text] = df[text].astype("string")
        df["connected_on"] = pd.to_datetime(df["connected_on"], format="%Y-%m-%d").astype("datetime64[ns]")
        df["created_at"] = pd.to_datetime(df["created_at"], utc=True, format="ISO8601")
        df[["referred_by", "checkin_days"]] = df[["referred_by", "checkin_days"]].astype("Int64")
        for col in ("is_recruiter", "pinned", "excluded"):
            df[col] = df[col].astype(bool)
        df["stage"] = df["stage"].map(dict(enumerate(STAGES))).astype("string")
        return df

    def directory(self) -> pd.DataFrame:
        """Return every contact in the few columns a person picker searches and ranks by: a lean
        read (no sources, no notes) that stays fast on tens of thousands of connections.

        Columns: id, name ("First Last"), company, position, email, stage (the furthest funnel stage
        reached, as its index in STAGES, as :meth:`contacts` counts it; -1 for none), pinned (bool),
        excluded (bool), open_followups (stored follow-ups not done), last_event (UTC ISO text of
        their newest funnel event, or None), first_name, last_name, referred_by (Int64), how_known,
        is_recruiter (bool): what ranking people needs (:func:`infoview_kit.find.targets.rank_people`).

        Every picker re-reads it after every write, so it is kept up to date instead of read anew:
        the contacts and follow-ups tables count their changes (triggers of schema v4), and the
        append-only log says whose funnel moved since the last read. Only a change to the contacts
        themselves reads every row again.
        """
        c = self._conn
        *counters, last = self.changes()
        key = tuple(counters)
        cached = self.__dict__.get("_directory_cache")
        if cached is not None and cached[0] == (key, last):
            return cached[1].copy()
        edited: list[int] = []
        if cached is not None and None not in key and cached[0][0][0] != key[0]:
            oldest = c.execute("SELECT min(seq) FROM contact_changes").fetchone()[0] or 0
            if cached[0][0][0] + 1 >= oldest:  # the log still reaches back to the last read
                edited = [r[0] for r in c.execute("SELECT DISTINCT contact_id FROM contact_changes WHERE seq > ?",
                                                  (cached[0][0][0],))]
        if cached is None or None in key or (cached[0][0][0] != key[0] and not edited):
            df = self._directory_people(None)
            touched: list[int] | None = None
            open_changed = True
        else:
            df = cached[1].drop(columns=["stage", "last_event", "open_followups"])
            if edited:  # those contacts read again (added, changed or gone), the others kept
                again = self._directory_people(edited)  # empty when they were all forgotten
                kept_rows = df[~df["id"].isin(edited)]
                df = (pd.concat([kept_rows, again]) if len(again) else kept_rows).sort_values("id")
                df = df.reset_index(drop=True)
            touched = [r[0] for r in c.execute("SELECT DISTINCT contact_id FROM events WHERE id > ? "
                                               "AND contact_id IS NOT NULL", (cached[0][1],))]
            if edited:  # an introduction moves the introducer's stage too
                touched += edited + [r[0] for r in c.execute(
                    f"SELECT referred_by FROM contacts WHERE referred_by IS NOT NULL AND id IN "
                    f"({', '.join(str(int(i)) for i in edited)})")]
                touched = sorted(set(touched))
            open_changed = cached[0][0][1] != key[1] or bool(edited)
        activity = self._directory_activity(touched)
        if touched is not None:  # the others keep what they had
            old = cached[1].set_index("id")[["stage", "last_event"]]  # type: ignore[index]
            old = old.drop(index=[i for i in touched if i in old.index])
            activity = pd.concat([old.reset_index().rename(columns={"id": "contact_id"}), activity])
        if open_changed or cached is None:
            opened = self._df("SELECT contact_id, count(*) AS open_followups FROM followups WHERE done_at IS NULL "
                              "GROUP BY contact_id")
        else:
            opened = cached[1][["id", "open_followups"]].rename(columns={"id": "contact_id"})
        by_id = df.set_index("id")
        df = df.assign(stage=activity.set_index("contact_id")["stage"].reindex(by_id.index).fillna(-1)
                       .astype("int64").to_numpy(),
                       open_followups=opened.set_index("contact_id")["open_followups"].reindex(by_id.index)
                       .fillna(0).astype("int64").to_numpy(),
                       last_event=activity.set_index("contact_id")["last_event"].reindex(by_id.index)
                       .astype(object).to_numpy())
        df = df[["id", "name", "company", "position", "email", "stage", "pinned", "excluded", "open_followups",
                 "last_event", "first_name", "last_name", "referred_by", "how_known", "is_recruiter"]]
        df["last_event"] = df["last_event"].where(df["last_event"].notna(), None)
        self.__dict__["_directory_cache"] = ((key, last), df)
        return df.copy()

    def _directory_people(self, ids: list[int] | None) -> pd.DataFrame:
        """The contacts' own columns of :meth:`directory`, for every contact or only `ids`."""
        only = "" if ids is None else f"WHERE id IN ({', '.join(str(int(i)) for i in ids)})"
        df = self._df(f"""
            SELECT id, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) AS name,
                   company, position, email, pinned, excluded, first_name, last_name, referred_by, how_known,
                   is_recruiter FROM contacts {only} ORDER BY id""")
        for col in ("pinned", "excluded", "is_recruiter"):
            df[col] = df[col].astype(bool)
        df["referred_by"] = df["referred_by"].astype("Int64")
        text = ["name", "company", "position", "email", "first_name", "last_name", "how_known"]
        df[text] = df[text].astype(object)  # the same dtypes (and None for missing) whichever rows are read
        df[text] = df[text].where(df[text].notna(), None)
        return df

    def _directory_activity(self, ids: list[int] | None) -> pd.DataFrame:
        """contact_id, stage (index in STAGES), last_event, for every contact or only `ids`."""
        if ids is not None and not ids:
            return pd.DataFrame({"contact_id": pd.Series([], dtype="int64"), "stage": pd.Series([], dtype="int64"),
                                 "last_event": pd.Series([], dtype=object)})
        case = " ".join(f"WHEN '{k}' THEN {STAGES.index(s)}" for k, s in STAGE_OF_EVENT.items())
        kinds = ", ".join(f"'{k}'" for k in STAGE_OF_EVENT)
        only = "" if ids is None else f"AND contact_id IN ({', '.join(str(int(i)) for i in ids)})"
        only_ref = "" if ids is None else f"AND referred_by IN ({', '.join(str(int(i)) for i in ids)})"
        return self._df(f"""
            SELECT contact_id, max(stage) AS stage, max(at) AS last_event FROM (
                SELECT contact_id, CASE kind {case} END AS stage, at FROM events
                WHERE kind IN ({kinds}) AND contact_id IS NOT NULL {only}
                -- as contacts() counts it: an introduction, a thank-you follow-up marked done
                UNION ALL SELECT referred_by, {STAGES.index("replied")}, NULL FROM contacts
                WHERE referred_by IS NOT NULL {only_ref}
                UNION ALL SELECT contact_id, {STAGES.index("thanked")}, done_at FROM followups
                WHERE kind = 'thank_you' AND done_at IS NOT NULL AND skipped = 0 {only})
            GROUP BY contact_id""")

    def insert_contact(self, first_name: str, last_name: str = "", *, email: str | None = None,
                       company: str | None = None, position: str | None = None,
                       profile_url: str | None = None, how_known: str | None = None,
                       where_found: str | None = None, notes: str | None = None,
                       referred_by: int | None = None, source: str = "manual",
                       at: dt.datetime | str | None = None, then: Then | None = None) -> int:
        """Write a person's row; return their contact id. The data half of
        :func:`infoview_kit.find.importing.add_contact` (which also flags recruiters).

        The same person again (same profile URL, email, or name and company) fills what was
        missing and returns the existing id. ``then([id])`` runs inside the write transaction, so
        what a step derives from the row is kept in the same commit.

        Raises
        ------
        InputFormatError
            If the name is empty, the email invalid, or `how_known` not one of HOW_KNOWN.
        NotFoundError
            If `referred_by` is not a contact id.
        """
        fields = clean_contact_fields(first_name=first_name, last_name=last_name, email=email,
                                      company=company, position=position, profile_url=profile_url,
                                      where_found=where_found, notes=notes)
        if how_known is not None and how_known not in HOW_KNOWN:
            raise InputFormatError(f"how_known = {how_known!r}: expected one of {', '.join(HOW_KNOWN)}")
        fields["how_known"] = how_known
        if referred_by is not None:
            self.contact(referred_by)
        key = person_keys(pd.DataFrame([fields]))[0]
        stamp = utc_iso(at)
        with self.transaction() as c:
            row = c.execute("SELECT id FROM contacts WHERE person_key = ?", (key,)).fetchone()
            names = [k for k in _CONTACT_FIELDS if k in fields]
            if row is None:
                cur = c.execute(
                    f"INSERT INTO contacts (person_key, {', '.join(names)}, referred_by, created_at) "
                    f"VALUES (?, {', '.join('?' * len(names))}, ?, ?)",
                    (key, *[fields[k] for k in names], referred_by, stamp))
                cid = rowid(cur)
                self._event("contact_added", stamp, cid, source=source,
                            **({"referred_by": referred_by} if referred_by else {}))
            else:
                cid = int(row[0])
                c.execute(f"UPDATE contacts SET {', '.join(f'{k} = coalesce({k}, ?)' for k in names)}, "
                          "referred_by = coalesce(referred_by, ?) WHERE id = ?",
                          (*[fields[k] for k in names], referred_by, cid))
            c.execute("INSERT INTO contact_sources (contact_id, source, source_key) VALUES (?, ?, ?) "
                      "ON CONFLICT DO NOTHING", (cid, source, key))
            if then is not None:
                then([cid])  # only this person changed: no scan of every contact
            sync_employers(c, [fields.get("company")])
        return cid

    def same_person(self, first_name: str | None = None, last_name: str | None = None, *,
                    email: str | None = None, company: str | None = None, profile_url: str | None = None,
                    exclude: int | None = None) -> tuple[int, str] | None:
        """Return ``(contact id, why)`` for a contact these details already describe, or None: the
        same email address ("same email"), the same profile link ("same profile link"), or the same
        name at the same company ("same name and company"). `exclude` (the contact being edited) is
        never returned. Writes nothing: the forms ask before a save would land on someone else.
        """
        skip = -1 if exclude is None else int(exclude)
        mail = check_email(email)
        if mail:
            row = self._conn.execute("SELECT id FROM contacts WHERE (lower(email) = ? OR person_key = ?) "
                                     "AND id != ? ORDER BY id LIMIT 1", (mail, f"email:{mail}", skip)).fetchone()
            if row:
                return int(row[0]), "same email"
        link = url_key(clean_text(profile_url))
        if link:
            row = self._conn.execute("SELECT id FROM contacts WHERE person_key = ? AND id != ? LIMIT 1",
                                     (f"url:{link}", skip)).fetchone()
            if row:
                return int(row[0]), "same profile link"
            for cid, url in self._conn.execute("SELECT id, profile_url FROM contacts WHERE profile_url IS NOT NULL "
                                               "AND instr(lower(profile_url), ?) > 0 AND id != ? ORDER BY id",
                                               (link.split("/")[-1], skip)):
                if url_key(url) == link:
                    return int(cid), "same profile link"
        first, last, co = clean_text(first_name), clean_text(last_name), clean_text(company)
        nk, ck = name_key(first, last), company_key(co) if co else ""
        if nk and ck:
            for cid, f, la, c in self._conn.execute(
                    "SELECT id, first_name, last_name, company FROM contacts WHERE id != ? AND company IS NOT NULL "
                    "AND (person_key = ? OR (lower(coalesce(first_name, '')) = lower(?) "
                    "AND lower(coalesce(last_name, '')) = lower(?))) ORDER BY id",
                    (skip, f"name:{nk}|{ck}", first or "", last or "")):
                if name_key(f, la) == nk and company_key(c) == ck:
                    return int(cid), "same name and company"
        if nk and not (mail or link):  # no company, email or link to tell two people of one name apart
            row = self._conn.execute("SELECT id FROM contacts WHERE person_key = ? AND id != ?",
                                     (f"name:{nk}|{ck}", skip)).fetchone()
            if row:
                return int(row[0]), "same name" + (" and company" if ck else "")
        return None

    #: The fields of a contact that :meth:`edit_contact` edits.
    EDITABLE_CONTACT_FIELDS = ("first_name", "last_name", "email", "company", "position", "profile_url",
                               "how_known", "where_found", "notes")

    def edit_contact(self, contact_id: int, *, at: dt.datetime | str | None = None, then: Then | None = None,
                     **fields: Any) -> list[str]:
        """Edit a contact: every field given is set to its new value (empty text or None clears
        it), fields not given keep theirs. Return the names of the fields that changed ([] when
        nothing did: then nothing is written). The data half of
        :func:`infoview_kit.find.importing.update_contact`; ``then([id])`` runs inside the write
        transaction.

        Fields: see EDITABLE_CONTACT_FIELDS. The email and the name follow the same rules as
        :meth:`insert_contact`; the person's natural key (profile link, else email, else name and
        company) follows the edit.

        Raises
        ------
        InputFormatError
            For an unknown field, no name left, an invalid email, a `how_known` not in HOW_KNOWN,
            or details that are another contact's (same email, profile link, or name and company:
            see :meth:`same_person`); nothing is written.
        NotFoundError
            If there is no such contact.
        """
        known_fields("contact", fields, self.EDITABLE_CONTACT_FIELDS)
        old = self.contact(contact_id)
        cid = int(old["id"])
        merged = {k: fields.get(k, old[k]) for k in self.EDITABLE_CONTACT_FIELDS}
        how = merged.pop("how_known")
        how = None if how is None or not str(how).strip() else str(how).strip()
        if how is not None and how not in HOW_KNOWN and how != old["how_known"]:
            raise InputFormatError(f"how_known = {how!r}: expected one of {', '.join(HOW_KNOWN)}")
        kept_link = {} if "profile_url" in fields else {"profile_url": merged.pop("profile_url")}
        clean = clean_contact_fields(**merged) | kept_link  # a stored link is checked when it is edited
        clean["how_known"] = how
        changed = [k for k in self.EDITABLE_CONTACT_FIELDS if clean[k] != old[k]]
        if not changed:
            return []
        other = self.same_person(clean["first_name"], clean["last_name"], email=clean["email"],
                                 company=clean["company"], profile_url=clean["profile_url"], exclude=cid)
        key = person_keys(pd.DataFrame([clean]))[0]
        holder = self._conn.execute("SELECT id FROM contacts WHERE person_key = ? AND id != ?", (key, cid)).fetchone()
        if other is not None or holder is not None:
            oid, why = other if other is not None else (int(holder[0]), "same details")
            raise InputFormatError(f"contact {cid}: {why} as contact {oid} ({self._name_of(oid)}); "
                                   "nothing saved: edit that contact instead, or change the details")
        stamp = utc_iso(at)
        with self.transaction() as c:
            c.execute(f"UPDATE contacts SET {', '.join(f'{k} = ?' for k in changed)}, person_key = ? WHERE id = ?",
                      (*[clean[k] for k in changed], key, cid))
            self._event("contact_edited", stamp, cid, fields=changed)
            if then is not None:
                then([cid])
            if "company" in changed:
                sync_employers(c, [clean["company"]])
        return changed

    def _name_of(self, contact_id: int) -> str:
        """The contact's "First Last" (or "contact N" when they have no name)."""
        row = self._conn.execute("SELECT trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) "
                                 "FROM contacts WHERE id = ?", (int(contact_id),)).fetchone()
        return str(row[0]) if row and row[0] else f"contact {contact_id}"

    def positions(self, ids: Sequence[int] | None = None) -> list[tuple[int, str | None, bool]]:
        """Return (id, position, is_recruiter) of every contact, or only of `ids`."""
        if ids is None:
            rows = self._conn.execute("SELECT id, position, is_recruiter FROM contacts").fetchall()
        else:
            rows = self._conn.execute(f"SELECT id, position, is_recruiter FROM contacts WHERE id IN "
                                      f"({', '.join('?' * len(ids))})", list(ids)).fetchall()
        return [(int(cid), position, bool(flag)) for cid, position, flag in rows]

    def set_recruiter_flags(self, flags: Mapping[int, bool]) -> None:
        """Store whether each contact (id -> flag) is a recruiter; who is one, find decides."""
        if flags:
            with self.transaction() as c:
                c.executemany("UPDATE contacts SET is_recruiter = ? WHERE id = ?",
                              [(int(flag), cid) for cid, flag in flags.items()])

    def set_contact_flags(self, contact_id: int, *, pinned: bool | None = None,
                          excluded: bool | None = None) -> None:
        """Pin a person to the top of your lists, or exclude them from rankings."""
        self.contact(contact_id)
        sets = {k: int(bool(v)) for k, v in (("pinned", pinned), ("excluded", excluded)) if v is not None}
        if sets:
            with self.transaction() as c:
                c.execute(f"UPDATE contacts SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                          (*sets.values(), contact_id))

    def set_checkin_days(self, contact_id: int, days: int | None) -> None:
        """Set how often to keep in touch with a person you met (None: the default, monthly).

        Raises
        ------
        InputFormatError
            Unless `days` is a whole number from 7 to 365, or None.
        """
        self.contact(contact_id)
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 7 <= days <= 365):
            raise InputFormatError(f"check-in every {days!r} days: expected a whole number from 7 to 365, or None")
        with self.transaction() as c:
            c.execute("UPDATE contacts SET checkin_days = ? WHERE id = ?", (days, contact_id))

