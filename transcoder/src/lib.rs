//! Deterministic, verifiable transcoding of video segments into renditions.
