"""Step 2, research each person (notebook 02): facts, common ground, readiness."""
