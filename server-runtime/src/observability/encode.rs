//! Writing JSON by hand into a reused buffer: escaped strings, numbers, RFC 3339
//! timestamps, and the one-write-per-line output of logs and metrics.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

thread_local! {
    /// The line being built on this thread (kept between lines to avoid allocating).
    static LINE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Lines longer than this are not kept for reuse, so one huge line does not pin memory.
const MAX_KEPT: usize = 64 * 1024;

/// Builds one line with `build` in this thread's buffer and hands it to `write`.
/// A nested call (a field's `Debug` that logs) gets a buffer of its own.
pub(super) fn with_line(build: impl FnOnce(&mut Vec<u8>), write: impl FnOnce(&[u8])) {
    let run = |buffer: &mut Vec<u8>| {
        buffer.clear();
        build(buffer);
        buffer.push(b'\n');
        write(buffer);
    };
    LINE.with(|line| match line.try_borrow_mut() {
        Ok(mut buffer) => {
            run(&mut buffer);
            if buffer.capacity() > MAX_KEPT {
                *buffer = Vec::new();
            }
        }
        Err(_) => run(&mut Vec::new()),
    });
}

/// Appends `text` as a JSON string, quotes included.
pub(super) fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    escaped(out, text);
    out.push(b'"');
}

/// Appends the UTF-8 `text` as a JSON string, quotes included.
pub(super) fn string_bytes(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'"');
    escaped_bytes(out, text);
    out.push(b'"');
}

/// Appends `text` escaped for the inside of a JSON string.
fn escaped(out: &mut Vec<u8>, text: &str) {
    escaped_bytes(out, text.as_bytes());
}

/// Appends the UTF-8 `bytes` escaped for the inside of a JSON string (only ASCII
/// bytes are escaped, so the result stays UTF-8).
fn escaped_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut rest = bytes;
    loop {
        let clean = clean_prefix(rest);
        out.extend_from_slice(&rest[..clean]);
        let Some(&byte) = rest.get(clean) else {
            return;
        };
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xf)]);
            }
        }
        rest = &rest[clean + 1..];
    }
}

/// Whether JSON needs `byte` escaped inside a string.
fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// How many bytes at the start of `bytes` need no escaping: eight at a time
/// (SWAR: a byte below 0x20, a quote or a backslash anywhere in a word stops it).
fn clean_prefix(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    /// Whether any byte of `word` is zero.
    fn any_zero(word: u64) -> bool {
        word.wrapping_sub(ONES) & !word & HIGHS != 0
    }
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS != 0;
        if control
            || any_zero(word ^ (ONES * u64::from(b'"')))
            || any_zero(word ^ (ONES * u64::from(b'\\')))
        {
            break;
        }
        at += 8;
    }
    while at < bytes.len() && !needs_escape(bytes[at]) {
        at += 1;
    }
    at
}

/// Appends `value`'s `Display` (or `Debug`, through `format_args!`) as a JSON string
/// without an intermediate `String`.
pub(super) fn display(out: &mut Vec<u8>, value: fmt::Arguments<'_>) {
    out.push(b'"');
    match value.as_str() {
        Some(text) => escaped(out, text),
        None => {
            let _ = fmt::Write::write_fmt(&mut Escaper(out), value);
        }
    }
    out.push(b'"');
}

/// Appends a source location, `"file.rs:12"`, without `fmt`.
pub(super) fn location(out: &mut Vec<u8>, place: &str, line: u32) {
    out.push(b'"');
    escaped(out, place);
    out.push(b':');
    unsigned(out, line.into());
    out.push(b'"');
}

/// A `fmt::Write` that escapes what it is given into a JSON string's inside.
struct Escaper<'a>(&'a mut Vec<u8>);

impl fmt::Write for Escaper<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        escaped(self.0, text);
        Ok(())
    }
}

/// Appends a JSON key and its colon: `"key":`.
pub(super) fn key(out: &mut Vec<u8>, name: &str) {
    string(out, name);
    out.push(b':');
}

/// Appends a float as a JSON number (`null` when not finite, which JSON cannot say).
pub(super) fn float(out: &mut Vec<u8>, value: f64) {
    if value.is_finite() {
        // serde_json prints floats with `ryu`, shortest round-trip form.
        let _ = serde_json::to_writer(&mut *out, &value);
    } else {
        out.extend_from_slice(b"null");
    }
}

/// Appends an integer as a JSON number.
pub(super) fn integer(out: &mut Vec<u8>, value: impl Into<i128>) {
    let value: i128 = value.into();
    if value < 0 {
        out.push(b'-');
    }
    let magnitude = value.unsigned_abs();
    match u64::try_from(magnitude) {
        Ok(small) => unsigned(out, small),
        Err(_) => {
            let _ = write!(out, "{magnitude}");
        }
    }
}

/// Appends `value` in decimal, without `fmt` (a hot path of every line).
pub(super) fn unsigned(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Appends `value` in decimal with at least `width` digits (zero-padded).
fn padded(out: &mut Vec<u8>, value: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value;
    while rest > 0 || digits.len() - at < width {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.extend_from_slice(&digits[at..]);
}

/// Milliseconds since the Unix epoch (the EMF `Timestamp`).
pub(super) fn epoch_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// Appends `time` as an RFC 3339 UTC timestamp with milliseconds, quoted:
/// `"2024-05-01T12:34:56.789Z"`.
pub(super) fn timestamp(out: &mut Vec<u8>, time: SystemTime) {
    let millis = epoch_millis(time);
    let seconds = millis / 1000;
    out.push(b'"');
    let (cached, prefix) = SECOND.get();
    if cached == seconds {
        out.extend_from_slice(&prefix);
    } else {
        let start = out.len();
        date_time(out, seconds);
        if let Ok(prefix) = out[start..].try_into() {
            SECOND.set((seconds, prefix));
        }
    }
    out.push(b'.');
    padded(out, millis % 1000, 3);
    out.extend_from_slice(b"Z\"");
}

thread_local! {
    /// The second of the last timestamp on this thread and its
    /// `YYYY-MM-DDTHH:MM:SS` (most lines fall in the same second as the previous one).
    static SECOND: Cell<(u64, [u8; 19])> = const { Cell::new((u64::MAX, [0; 19])) };
}

/// Appends `YYYY-MM-DDTHH:MM:SS` of `seconds` since the Unix epoch.
fn date_time(out: &mut Vec<u8>, seconds: u64) {
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let of_day = seconds % 86_400;
    if year < 0 {
        out.push(b'-');
    }
    padded(out, year.unsigned_abs(), 4);
    out.push(b'-');
    padded(out, month.into(), 2);
    out.push(b'-');
    padded(out, day.into(), 2);
    out.push(b'T');
    padded(out, of_day / 3600, 2);
    out.push(b':');
    padded(out, of_day / 60 % 60, 2);
    out.push(b':');
    padded(out, of_day % 60, 2);
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn text(build: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        build(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_json() {
        let raw = "a \"quoted\" \\ line\nwith\ttabs and \u{1} control é";
        let json = text(|out| string(out, raw));
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), raw);
        let json = text(|out| display(out, format_args!("{}-{:?}", raw, 7)));
        assert_eq!(
            serde_json::from_str::<String>(&json).unwrap(),
            format!("{raw}-7")
        );
    }

    #[test]
    fn escaping_finds_every_special_byte_at_any_offset() {
        for length in 0..20 {
            for at in 0..length {
                for special in ["\"", "\\", "\n", "\u{1f}", "\u{0}"] {
                    let mut raw = "aé".repeat(length).chars().take(length).collect::<String>();
                    raw.insert_str(
                        raw.char_indices().nth(at).map_or(raw.len(), |(i, _)| i),
                        special,
                    );
                    let json = text(|out| string(out, &raw));
                    assert_eq!(serde_json::from_str::<String>(&json).unwrap(), raw);
                    assert!(!json.bytes().any(|byte| byte < 0x20), "{json}");
                }
            }
        }
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        let at =
            |millis: u64| text(|out| timestamp(out, UNIX_EPOCH + Duration::from_millis(millis)));
        assert_eq!(at(0), "\"1970-01-01T00:00:00.000Z\"");
        assert_eq!(at(951_782_400_007), "\"2000-02-29T00:00:00.007Z\"");
        assert_eq!(at(1_714_566_896_789), "\"2024-05-01T12:34:56.789Z\"");
        assert_eq!(at(4_102_444_799_999), "\"2099-12-31T23:59:59.999Z\"");
        // The same second again (the cached date and time), then another.
        assert_eq!(at(4_102_444_799_001), "\"2099-12-31T23:59:59.001Z\"");
        assert_eq!(at(1_714_566_896_789), "\"2024-05-01T12:34:56.789Z\"");
    }

    #[test]
    fn integers_print_as_fmt_does() {
        for value in [
            0i128,
            7,
            -7,
            10,
            99,
            4_102_444_799_999,
            i64::MIN.into(),
            u64::MAX.into(),
            i128::MIN,
            i128::MAX,
        ] {
            assert_eq!(text(|out| integer(out, value)), value.to_string());
        }
        assert_eq!(text(|out| padded(out, 7, 3)), "007");
        assert_eq!(text(|out| padded(out, 12345, 2)), "12345");
    }

    #[test]
    fn floats_that_json_cannot_hold_are_null() {
        assert_eq!(text(|out| float(out, 1.5)), "1.5");
        assert_eq!(text(|out| float(out, f64::NAN)), "null");
    }
}
