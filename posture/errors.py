"""Typed errors with the stable codes of the JSON contract (docs/design.md).

Every input the engine refuses raises :class:`PostureError` with one of :data:`ERROR_CODES`; the
message tells the person what to do next. Presentation layers show ``message`` and never a
traceback; other programs switch on ``code``.
"""

from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "not_an_image": "This file is not a picture. Upload a JPEG, PNG, WebP, BMP, TIFF or HEIC photo.",
    "corrupt_image": "The picture is damaged or incomplete. Export or copy it again and retry.",
    "image_too_large": "The picture has too many pixels to open safely. Resize it below the limit and retry.",
    "no_person": "No person was found. Stand fully in frame, facing or side-on to the camera, in good light.",
    "multiple_people": "Several people are equally prominent. Take the photo with only the person to assess in frame.",
    "body_cut_off": "Part of the body is outside the picture. "
    "Head to feet must be visible: step back or lower the camera.",
    "person_too_small": "The person is too small in the picture. "
    "Move the camera closer so the body fills most of the height.",
    "not_standing": "The person does not seem to be standing still and upright. "
    "Stand relaxed on both feet, arms by the sides.",
    "unsupported_view": "This view cannot be measured. Take a straight front, back or side photo.",
}

# Videos (jump-rope clips and stand-still clips) add these; the person- and framing codes above
# (no_person, multiple_people, body_cut_off, person_too_small) apply to videos too.
VIDEO_ERROR_CODES: dict[str, str] = {
    "not_a_video": "This file is not a video. Upload an MP4, MOV, WebM or AVI clip from your phone or camera.",
    "corrupt_video": "The video is damaged or incomplete. Export or copy it again and retry.",
    "unsupported_codec": "The video's compression cannot be decoded here. Export it as H.264 MP4 and retry.",
    "video_too_short": "The clip is too short to measure. Film at least 10 seconds of steady skipping.",
    "video_too_long": "The clip is too long. Trim it to the best 60 seconds and retry.",
    "video_too_large": "The video file or its frames are too large to open safely. Export it at 1080p or lower.",
    "camera_moving": "The camera moved during the clip. Stand the phone on something still and film again.",
    "no_jumping_found": "No rope jumps were found. Film the whole body while skipping with both feet.",
    "frame_rate_too_low": "The clip has too few frames per second to see each jump. Film at 30 or 60 fps.",
}


# Causes that need another next step than their code's usual one: a person who fills a picture with too
# few pixels (a thumbnail) is person_too_small as well, but moving the camera closer would not help.
TOO_FEW_PIXELS = "too_few_pixels"


class PostureError(Exception):
    """An input the engine cannot assess, with a stable ``code`` and a message for the person.

    ``cause`` (optional, not part of the JSON contract) tells apart refusals of one code that call for
    different next steps, e.g. :data:`TOO_FEW_PIXELS`.
    """

    # A class default as well: an error kept (cached, pickled) from before causes existed still reads as None.
    cause: str | None = None

    def __init__(self, code: str, message: str | None = None, cause: str | None = None):
        if code not in ERROR_CODES and code not in VIDEO_ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        self.code = code
        self.message = message or ERROR_CODES.get(code) or VIDEO_ERROR_CODES[code]
        self.cause = cause
        super().__init__(f"{code}: {self.message}")

    def __reduce__(self) -> tuple[type[PostureError], tuple[str, str, str | None]]:
        # Exception pickles its formatted text as the one argument, which is not a code: a refusal made in
        # a child process (posture.video.isolated) must arrive whole.
        return type(self), (self.code, self.message, self.cause)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
