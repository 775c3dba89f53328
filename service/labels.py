"""The label set: theme ids, Chinese names and what each covers."""

from __future__ import annotations

THEMES = ("talent", "investment", "energy", "agriculture")
LABELS = THEMES + ("other",)

NAMES_ZH = {"talent": "人才", "investment": "招商引资", "energy": "能源", "agriculture": "农业", "other": "其他"}

DESCRIPTIONS = {
    "talent": "Attracting, training, housing and retaining talent and skilled workers; employment and job fairs.",
    "investment": "Attracting investment, companies and projects; signings, docking meetings, business environment.",
    "energy": "Electricity and the grid, coal, oil, gas, new energy and storage, energy supply and transition.",
    "agriculture": "Grain and food production, crops, livestock, farmland, farm products and the rural economy.",
    "other": "None of the four themes is the main subject.",
}
