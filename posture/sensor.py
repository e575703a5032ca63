"""How level the camera was held, as the phone's own motion sensor recorded it.

Every frontal tilt and every lean is read against the picture's horizontal or vertical, so a phone
held a few degrees off level moves them all by that much (measured: 0.88-1.07 deg per degree), and
the body alone cannot tell that from a tilted body. iPhones record the gravity vector at the moment
of the shot in their EXIF maker note (tag 0x0008, "AccelerationVector" in ExifTool's Apple table:
three signed rationals in g along the phone's x (across the screen), y (along it) and z (through
it)); JPEG and HEIC photos alike carry it. Other phones store nothing comparable, and a file without
it simply has no reading (``None``), never a guess.

Only the size of the roll is used, not its direction. ExifTool's notes say the stored signs run
contrary to Apple's documentation, and no real iPhone file is available here to settle which is
right; the size does not depend on the signs, on whether the front or back camera took the photo
(mirroring), or on the EXIF orientation (which turns the picture by quarter turns only). So the
sensor can say "the phone was 3 deg off level", and the app asks for a retake; it cannot straighten
the angles by itself. An editor can rotate the pixels and keep the note (straightening a photo
in the phone's gallery), so the warning says that it then no longer applies.

Layout (ExifTool ``MakerNotes.pm`` / ``Apple.pm``): the note starts ``b"Apple iOS\\0"``, two version
bytes and the byte order (``MM`` or ``II``); an IFD follows at offset 14, and value offsets count
from the start of the note.
"""

from __future__ import annotations

import math
import struct

from PIL import ExifTags, Image, TiffTags

APPLE_MAKER_NOTE_PREFIX = b"Apple iOS\0"
_IFD_OFFSET = 14
_ACCELERATION_VECTOR_TAG = 0x0008
# Pointing steeply up or down leaves little of gravity across the screen, and the roll's direction
# then rests on a few hundredths of a g: no reading beyond this pitch.
MAX_PITCH_DEG = 60.0


def apple_acceleration_vector(note: bytes) -> tuple[float, float, float] | None:
    """The (x, y, z) gravity reading in g from an Apple maker note, or None if it holds none (or is damaged)."""
    if not note.startswith(APPLE_MAKER_NOTE_PREFIX) or len(note) < _IFD_OFFSET + 2:
        return None
    endian = {b"MM": ">", b"II": "<"}.get(note[12:14])
    if endian is None:
        return None
    try:
        (count,) = struct.unpack_from(f"{endian}H", note, _IFD_OFFSET)
        for index in range(count):
            tag, kind, length, offset = struct.unpack_from(f"{endian}HHII", note, _IFD_OFFSET + 2 + 12 * index)
            if tag == _ACCELERATION_VECTOR_TAG and kind == TiffTags.SIGNED_RATIONAL and length == 3:
                values = struct.unpack_from(f"{endian}6i", note, offset)
                if 0 in values[1::2]:
                    return None
                x, y, z = (values[i] / values[i + 1] for i in range(0, 6, 2))
                return x, y, z
    except struct.error:  # an entry or value past the end of the note
        return None
    return None


def roll_from_gravity_deg(gravity: tuple[float, float, float]) -> float | None:
    """Degrees (0-45) between gravity's direction across the screen and the nearest screen edge.

    None when the phone pointed more than :data:`MAX_PITCH_DEG` up or down, or the vector is empty.
    """
    x, y, z = gravity
    across = math.hypot(x, y)
    if across == 0 or math.degrees(math.atan2(abs(z), across)) > MAX_PITCH_DEG:
        return None
    angle = math.degrees(math.atan2(x, y))
    return abs((angle + 45.0) % 90.0 - 45.0)


def camera_roll_deg(image: Image.Image) -> float | None:
    """How far (degrees, unsigned) the camera was rolled from level when ``image`` was taken, from the
    phone's motion sensor; None when the file carries no reading."""
    try:
        note = image.getexif().get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.MakerNote)
    except Exception:  # broken metadata must not reject a decodable picture
        return None
    if not isinstance(note, bytes):
        return None
    gravity = apple_acceleration_vector(note)
    if gravity is None or not all(math.isfinite(value) for value in gravity):
        return None
    return roll_from_gravity_deg(gravity)
