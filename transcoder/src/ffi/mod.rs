//! Every call into C lives here: libavformat/libavcodec/libswscale through `ffmpeg-next`, and
//! openh264 through its raw bindings. Each stage is a small RAII type whose `Drop` releases the
//! C object; raw pointers never leave this module, and every `unsafe` block says why it is sound.
//!
//! Stages, in pipeline order: [`demux`] (container → packets), [`decode`] (packets → frames),
//! [`scale`] (frames → I420 at the rendition size, deterministically), [`openh264`] (I420 →
//! H.264 access units), [`mux`] (access units + copied audio → container). [`inspect`] decodes
//! finished renditions for verification.

pub(crate) mod decode;
pub(crate) mod demux;
pub(crate) mod inspect;
pub(crate) mod mux;
pub(crate) mod openh264;
pub(crate) mod scale;

use std::sync::Once;

pub(crate) use ffmpeg_next as ff;

/// Initialises FFmpeg once per process and silences its logging: a library must not print,
/// and every failure FFmpeg reports also reaches us as an error code.
pub(crate) fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // Registration is a no-op on FFmpeg >= 4 but keeps older builds working.
        let _ = ff::init();
        let level = if std::env::var_os("LPX_FFMPEG_LOG").is_some() { ff::log::Level::Warning } else { ff::log::Level::Quiet };
        ff::log::set_level(level);
    });
}

/// FFmpeg's error text for `e`.
pub(crate) fn describe(e: &ff::Error) -> String {
    e.to_string()
}

/// A timestamp in `tb` units converted to 90 kHz ticks (MPEG-TS's clock), rounding to nearest.
pub(crate) fn to_90k(ts: i64, tb: ff::Rational) -> i64 {
    rescale(ts, i64::from(tb.numerator()) * 90_000, i64::from(tb.denominator()))
}

/// `a * b / c` rounded to nearest, in 128-bit arithmetic so it cannot overflow.
pub(crate) fn rescale(a: i64, b: i64, c: i64) -> i64 {
    if c == 0 {
        return 0;
    }
    let n = i128::from(a) * i128::from(b);
    let c = i128::from(c);
    let r = if (n >= 0) == (c > 0) { (n + c / 2) / c } else { (n - c / 2) / c };
    r.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Versions of the C libraries whose behaviour decides output bytes (decoder, scaler, muxer,
/// encoder). Receipts record them: a re-run with other versions may legitimately differ.
pub(crate) fn library_versions() -> String {
    fn v(x: u32) -> String {
        format!("{}.{}.{}", x >> 16, (x >> 8) & 0xff, x & 0xff)
    }
    format!(
        "libavcodec {}, libavformat {}, libswscale {}, openh264 {}",
        v(ff::codec::version()),
        v(ff::format::version()),
        v(ff::software::scaling::version()),
        openh264::version()
    )
}
