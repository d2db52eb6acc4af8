"""Step 1, find contacts (notebook 01): contact readers, import, LAMP targets and ranking."""
