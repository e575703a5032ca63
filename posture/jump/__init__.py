"""Jump-rope symmetry from a pose track: jumps, per-jump measures, session summary with bands."""
