//! Frame-rate conversion on the 90 kHz timeline, with the semantics of FFmpeg's `fps` filter
//! (`round=near`): each frame lands in the output slot nearest its timestamp, a later frame for
//! an already filled slot is dropped, and empty slots repeat the previous frame. Slots sit on a
//! grid anchored at timestamp zero, so consecutive segments of a stream continue the same grid.
//!
//! Like LPMS, the conversion runs after scaling, and only kept frames are scaled.

use crate::profile::Fps;

/// At most this many seconds of repeated frames are inserted into one gap. A gap longer than
/// that is left as a timestamp jump: otherwise two frames an hour apart would make the encoder
/// produce an hour of video (a denial of service LPMS also guards against).
const MAX_FILL_SECONDS: i64 = 4;

/// The slot of timestamp `ts` (90 kHz) at rate `fps`; passthrough maps a timestamp to itself.
pub(crate) fn slot_of(fps: Option<Fps>, ts: i64) -> i64 {
    match fps {
        None => ts,
        Some(f) => crate::ffi::rescale(ts, i64::from(f.num), 90_000 * i64::from(f.den)),
    }
}

/// The timestamp (90 kHz) of slot `slot`.
pub(crate) fn slot_pts(fps: Option<Fps>, slot: i64) -> i64 {
    match fps {
        None => slot,
        Some(f) => crate::ffi::rescale(slot, 90_000 * i64::from(f.den), i64::from(f.num)),
    }
}

/// What to do with one incoming frame.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Placement {
    /// Timestamps at which to repeat the *previous* frame first.
    pub(crate) repeat_previous: Vec<i64>,
    /// Timestamp for this frame, or `None` to drop it.
    pub(crate) this: Option<i64>,
}

/// Per-rendition conversion state.
pub(crate) struct FpsConverter {
    fps: Option<Fps>,
    last_slot: Option<i64>,
}

impl FpsConverter {
    pub(crate) fn new(fps: Option<Fps>) -> Self {
        FpsConverter { fps, last_slot: None }
    }

    /// Places a frame with timestamp `ts` (strictly increasing from call to call).
    pub(crate) fn place(&mut self, ts: i64) -> Placement {
        let slot = slot_of(self.fps, ts);
        let Some(last) = self.last_slot else {
            self.last_slot = Some(slot);
            return Placement { repeat_previous: Vec::new(), this: Some(slot_pts(self.fps, slot)) };
        };
        if slot <= last {
            return Placement::default();
        }
        let mut repeat_previous = Vec::new();
        if let Some(f) = self.fps {
            let max_fill = MAX_FILL_SECONDS * i64::from(f.num) / i64::from(f.den.max(1));
            if slot - last - 1 <= max_fill {
                repeat_previous = (last + 1..slot).map(|s| slot_pts(self.fps, s)).collect();
            }
        }
        self.last_slot = Some(slot);
        Placement { repeat_previous, this: Some(slot_pts(self.fps, slot)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F30: Option<Fps> = Some(Fps { num: 30, den: 1 });

    #[test]
    fn passthrough_keeps_every_timestamp() {
        let mut c = FpsConverter::new(None);
        for ts in [100, 3103, 6106] {
            assert_eq!(c.place(ts), Placement { repeat_previous: vec![], this: Some(ts) });
        }
    }

    #[test]
    fn halves_60_to_30_and_fills_gaps() {
        let mut c = FpsConverter::new(F30);
        // 60 fps input: a frame halfway between two slots rounds up (as FFmpeg's round=near),
        // so from then on every other frame falls into an already filled 30 fps slot.
        let kept: Vec<_> = (0..8).map(|i| c.place(i * 1500).this).collect();
        assert_eq!(kept, vec![Some(0), Some(3000), None, Some(6000), None, Some(9000), None, Some(12_000)]);
        // A frame 3 slots later repeats the previous frame in the 2 slots between.
        let p = c.place(21_000);
        assert_eq!(p.repeat_previous, vec![15_000, 18_000]);
        assert_eq!(p.this, Some(21_000));
    }

    #[test]
    fn long_gaps_are_not_filled() {
        let mut c = FpsConverter::new(F30);
        c.place(0);
        let p = c.place(90_000 * 3600);
        assert!(p.repeat_previous.is_empty());
        assert_eq!(p.this, Some(90_000 * 3600));
    }
}
