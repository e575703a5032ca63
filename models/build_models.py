"""Rebuild the MediaPipe pose landmarker bundles in ``models/`` from registry packages.

MediaPipe's Tasks API wants ``pose_landmarker_{lite,full,heavy}.task`` files that it would
normally fetch from Google's storage, which users' offline machines cannot reach. The same
Apache-2.0 weights are published in two registries this project can reach:

* npm ``@mediapipe/pose@0.5.1675469404``: the three landmark networks;
* PyPI ``mediapipe==0.10.14``: the person detector, and a metadata writer that works.

The raw networks lack the TFLite normalisation metadata the Tasks API requires, so this script
adds it (detector input in [-1, 1], landmark input in [0, 1]) in a throwaway virtual environment
holding ``mediapipe==0.10.14`` and writes the uncompressed ``.task`` zip bundles. The result is
checked against the committed ``SHA256SUMS``; ``--check`` only verifies the files present.

Usage: ``python models/build_models.py [--check] [--out DIR]``
"""

from __future__ import annotations

import argparse
import hashlib
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent
NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"
WRITER_WHEEL = "mediapipe==0.10.14"
VARIANTS = ("lite", "full", "heavy")

# Runs inside the throwaway venv: it is the only place the working metadata writer exists.
BUNDLER = r"""
import sys
from pathlib import Path
from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer, writer_utils
from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils

def with_metadata(path, name, mean, std):
    model = bytearray(Path(path).read_bytes())
    writer = metadata_writer.MetadataWriter.create(model)
    writer.add_general_info(name)
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    for _ in writer_utils.get_output_tensor_types(model):
        writer.add_feature_output()
    return writer.populate()[0]

detector_path, landmarks_path, out_path = sys.argv[1:4]
detector = with_metadata(detector_path, "pose_detector", 127.5, 127.5)
landmarks = with_metadata(landmarks_path, "pose_landmarks_detector", 0.0, 255.0)
model_asset_bundle_utils.create_model_asset_bundle(
    {"pose_detector.tflite": detector, "pose_landmarks_detector.tflite": landmarks}, out_path)
"""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expected_sums() -> dict[str, str]:
    sums = {}
    for line in (MODELS_DIR / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, name = line.split()
            sums[name.lstrip("*")] = digest
    return sums


def check(directory: Path) -> bool:
    sums = expected_sums()
    ok = bool(sums)
    for name, digest in sums.items():
        path = directory / name
        actual = sha256(path) if path.exists() else "missing"
        status = "OK" if actual == digest else f"MISMATCH ({actual})"
        ok &= actual == digest
        print(f"{name}: {status}")
    return ok


# 1980-01-01 00:00 in MS-DOS format: the zip writer stamps the build time, which would make every
# rebuild differ from SHA256SUMS although the model bytes are identical.
DOS_EPOCH = struct.pack("<HH", 0, (0 << 9) | (1 << 5) | 1)


def pin_zip_timestamps(path: Path) -> None:
    """Overwrite every member's modification time in place (offsets and sizes stay unchanged)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    for info in members:
        data[info.header_offset + 10 : info.header_offset + 14] = DOS_EPOCH
    central = data.rfind(b"PK\x05\x06")
    offset = struct.unpack_from("<I", data, central + 16)[0]
    for _ in members:
        data[offset + 12 : offset + 16] = DOS_EPOCH
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, offset + 28)
        offset += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def run(cmd: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def build(out_dir: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="posture-models-") as tmp_name:
        tmp = Path(tmp_name)
        run(["npm", "pack", NPM_PACKAGE, "--silent"], cwd=tmp)
        tarball = next(tmp.glob("mediapipe-pose-*.tgz"))
        with tarfile.open(tarball) as archive:
            for variant in VARIANTS:
                member = archive.getmember(f"package/pose_landmark_{variant}.tflite")
                (tmp / f"landmark_{variant}.tflite").write_bytes(archive.extractfile(member).read())

        venv = tmp / "venv"
        run([sys.executable, "-m", "venv", str(venv)])
        python = venv / "bin" / "python"
        run([str(python), "-m", "pip", "install", "--quiet", WRITER_WHEEL])
        run([str(python), "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(tmp), WRITER_WHEEL])
        wheel = next(tmp.glob("mediapipe-0.10.14-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            detector = archive.read("mediapipe/modules/pose_detection/pose_detection.tflite")
        (tmp / "detector.tflite").write_bytes(detector)

        script = tmp / "bundle.py"
        script.write_text(BUNDLER)
        out_dir.mkdir(parents=True, exist_ok=True)
        for variant in VARIANTS:
            target = out_dir / f"pose_landmarker_{variant}.task"
            run(
                [
                    str(python),
                    str(script),
                    str(tmp / "detector.tflite"),
                    str(tmp / f"landmark_{variant}.tflite"),
                    str(target),
                ]
            )
            pin_zip_timestamps(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only verify the files against SHA256SUMS")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="where to write the bundles")
    args = parser.parse_args()
    if not args.check:
        build(args.out)
    return 0 if check(args.out) else 1


if __name__ == "__main__":
    sys.exit(main())
