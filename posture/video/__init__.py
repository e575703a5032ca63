"""Videos in: decoding with PyAV (rotation, real timestamps, streaming) and landmarks over time."""
