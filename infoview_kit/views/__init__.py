"""The widgets (ipywidgets) a person clicks, one module per step; no logic a headless call could not reach."""
