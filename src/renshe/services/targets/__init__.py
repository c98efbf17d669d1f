"""Targets (目标任务) and their progress: shipped target tables (``tables``), the
database-backed target sets, monthly progress and dashboard (``tracking``)."""
