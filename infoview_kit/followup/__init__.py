"""Step 5, follow up and chart progress (notebook 05): rules, progress drafts, reminders."""
