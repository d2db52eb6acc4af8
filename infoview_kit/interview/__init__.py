"""Step 4, the interview (notebook 04): questions, plan, brief, calendar files, clock, log."""
