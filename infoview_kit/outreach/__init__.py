"""Step 3, draft the email (notebook 03): templates, checks, drafts as .eml/mailto, the follow-up routine."""
