//! Writing JSON by hand into a reused buffer: escaped strings, numbers, RFC 3339
//! timestamps, and the one-write-per-line output of logs and metrics.

use std::cell::RefCell;
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

/// Appends `text` escaped for the inside of a JSON string.
fn escaped(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..index]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.extend_from_slice(escape);
        }
        start = index + 1;
    }
    out.extend_from_slice(&bytes[start..]);
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
pub(super) fn integer(out: &mut Vec<u8>, value: impl fmt::Display) {
    let _ = write!(out, "{value}");
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
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let of_day = seconds % 86_400;
    let _ = write!(
        out,
        "\"{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z\"",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
        millis % 1000
    );
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
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        let at =
            |millis: u64| text(|out| timestamp(out, UNIX_EPOCH + Duration::from_millis(millis)));
        assert_eq!(at(0), "\"1970-01-01T00:00:00.000Z\"");
        assert_eq!(at(951_782_400_007), "\"2000-02-29T00:00:00.007Z\"");
        assert_eq!(at(1_714_566_896_789), "\"2024-05-01T12:34:56.789Z\"");
        assert_eq!(at(4_102_444_799_999), "\"2099-12-31T23:59:59.999Z\"");
    }

    #[test]
    fn floats_that_json_cannot_hold_are_null() {
        assert_eq!(text(|out| float(out, 1.5)), "1.5");
        assert_eq!(text(|out| float(out, f64::NAN)), "null");
    }
}
