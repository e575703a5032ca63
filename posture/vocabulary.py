"""Typed names for the words the JSON contract uses: each value is the exact string stored and exported."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """How one measurement compares with its normal range."""

    NORMAL = "normal"
    BORDERLINE = "borderline"
    DEVIATION = "deviation"


class Likelihood(StrEnum):
    """How strongly the photos (and answers) point to one imbalance."""

    LIKELY = "likely"
    POSSIBLE = "possible"
    UNLIKELY = "unlikely"
    NOT_ASSESSED = "not_assessed"


class View(StrEnum):
    """The side of the body a photo shows."""

    FRONT = "front"
    BACK = "back"
    LEFT = "left"
    RIGHT = "right"


class Block(StrEnum):
    """A part of the exercise plan."""

    STRENGTHEN = "strengthen"
    MOBILITY = "mobility"
    CROSS_TRAIN = "cross_train"
