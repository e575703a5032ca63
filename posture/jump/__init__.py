"""Jump-rope symmetry from a pose track: jumps, per-jump measures, session summary with bands."""

from posture.jump.session import JumpSession, analyze_track

__all__ = ["JumpSession", "analyze_track"]
