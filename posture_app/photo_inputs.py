"""The photo check's inputs: the uploader's photos and the webcam snapshot, each kept through a visit to
another page (which empties the widgets), with a note saying which are still here from earlier."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from posture.imaging import FILE_SUFFIXES
from posture.video.decode import FILE_SUFFIXES as VIDEO_SUFFIXES
from posture.wording import join_words
from posture_app import present, session
from posture_app.guards import guarded_callback
from posture_app.session import PhotoInput

UPLOADS_KEY = "uploads"
WEBCAM_TOGGLE_KEY = "use_webcam"
WEBCAM_KEY = "webcam"
WEBCAM_NAME = "webcam snapshot.jpg"


@guarded_callback("reading the photos")
def _on_uploads_changed() -> None:
    """The person changed the uploader: its files (none, if they removed them all) are the photos now."""
    uploads = st.session_state.get(UPLOADS_KEY) or []
    session.keep_uploads(st.session_state, [PhotoInput.of(upload.name, upload.getvalue()) for upload in uploads])


@guarded_callback("reading the snapshot")
def _on_snapshot_changed() -> None:
    """The person took a snapshot or cleared it: that one (or none) is the snapshot now."""
    snapshot = st.session_state.get(WEBCAM_KEY)
    session.keep_snapshot(
        st.session_state, None if snapshot is None else PhotoInput.of(WEBCAM_NAME, snapshot.getvalue())
    )


@guarded_callback("removing the photos")
def _on_forget_earlier() -> None:
    session.keep_uploads(st.session_state, [])
    session.keep_snapshot(st.session_state, None)


def uploaded_photos() -> tuple[list[PhotoInput], bool]:
    """The uploader's photos; after a visit to another page (which empties the uploader) the ones it held.
    The flag says whether they are those kept from earlier."""
    uploads = (
        st.file_uploader(
            "Photos of one person standing (front, back, left and/or right side)",
            type=[*FILE_SUFFIXES, *VIDEO_SUFFIXES],
            accept_multiple_files=True,
            key=UPLOADS_KEY,
            on_change=_on_uploads_changed,
            help="JPEG, PNG, WebP, BMP, TIFF or HEIC, up to 50 MB each. Several at once is fine. A 3-10 s video "
            "(MP4, MOV, WebM) of the person standing still counts as one photo, measured over its frames.",
        )
        or []
    )
    if uploads:
        photos = [PhotoInput.of(upload.name, upload.getvalue()) for upload in uploads]
        session.keep_uploads(st.session_state, photos)
        return photos, False
    return session.kept_uploads(st.session_state), True


def webcam_photo() -> tuple[PhotoInput | None, bool]:
    """The webcam snapshot, when the webcam is on; after a visit to another page (which empties the camera)
    the one it held. The flag says whether it is the one kept from earlier."""
    if not st.toggle(
        "Take a webcam snapshot",
        key=WEBCAM_TOGGLE_KEY,
        help="Put the camera at hip height 2.5-4 m away, start the timer... or ask someone to click.",
    ):
        return None, False
    snapshot = st.camera_input("Webcam snapshot", key=WEBCAM_KEY, resolution="1080p", on_change=_on_snapshot_changed)
    if snapshot is not None:
        photo = PhotoInput.of(WEBCAM_NAME, snapshot.getvalue())
        session.keep_snapshot(st.session_state, photo)
        return photo, False
    kept = session.kept_snapshot(st.session_state)
    return kept, kept is not None


def earlier_note(place: DeltaGenerator, uploads: Sequence[PhotoInput], snapshot: PhotoInput | None) -> None:
    """Say which photos are still here from before a visit to another page, what replaces them, and offer to
    remove them: otherwise the assessment would rest on photos the uploader and camera no longer show."""
    if not uploads and snapshot is None:
        return
    names = present.plain(join_words([photo.name for photo in [*uploads, *([snapshot] if snapshot else [])]]))
    if not snapshot:
        replaced = "Photos added above replace them."
    elif not uploads:
        replaced = "A new snapshot replaces it."
    else:
        replaced = "Photos added above replace the uploaded ones, a new snapshot replaces the snapshot."
    one = len(uploads) + (snapshot is not None) == 1
    left, right = place.columns([4, 1], vertical_alignment="center")
    left.caption(f"Still here from earlier in this session: {names}. {replaced}")
    right.button(
        "Remove this photo" if one else "Remove these photos", key="forget_uploads", on_click=_on_forget_earlier
    )


def collect_photos() -> list[PhotoInput]:
    photos, uploads_kept = uploaded_photos()
    note = st.container()  # under the uploader, filled once the camera has said whether its snapshot is kept
    snapshot, snapshot_kept = webcam_photo()
    earlier_note(note, photos if uploads_kept else [], snapshot if snapshot_kept else None)
    if snapshot is not None:
        photos = [*photos, snapshot]
    photos, repeats = session.unique_photos(photos)
    if repeats:
        skipped = present.count_text(len(repeats), "repeated photo")
        st.caption(f"Skipped {skipped}: {present.plain(join_words(repeats))}.")
    return photos
