import Foundation

/// Formatting of instants in the two forms the gateway writes: UTC ISO 8601 with milliseconds
/// for API fields, and the seed's log-line form. Digits are written by hand because
/// `String(format:)` and `DateFormatter` cost microseconds per call on every request.
enum Timestamp {
    /// `2026-12-03T16:04:27.123Z`: how `received_at` and `occurred_at` are stored and returned.
    /// Fixed width, so stored values sort as text in time order.
    static func iso8601UTC(_ date: Date) -> String {
        let (parts, milliseconds) = brokenDown(date, local: false)
        var text = DigitWriter()
        text.date(parts, separator: "T")
        text.append(".")
        text.digits(Int(milliseconds), width: 3)
        text.append("Z")
        return text.string
    }

    /// `2026-12-03T16:04:27Z`: how the keys file records `created_at` and `expires_at`.
    static func iso8601Seconds(_ date: Date) -> String {
        let (parts, _) = brokenDown(date, local: false)
        var text = DigitWriter()
        text.date(parts, separator: "T")
        text.append("Z")
        return text.string
    }

    /// `2026-12-03 16:04:27,123` in local time: Python logging's `asctime`, as the seed logged.
    static func logTime(_ date: Date) -> String {
        let (parts, milliseconds) = brokenDown(date, local: true)
        var text = DigitWriter()
        text.date(parts, separator: " ")
        text.append(",")
        text.digits(Int(milliseconds), width: 3)
        return text.string
    }

    private static func brokenDown(_ date: Date, local: Bool) -> (tm, Int32) {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(totalMilliseconds.floorDivided(by: 1000))
        let milliseconds = Int32(totalMilliseconds - Int64(seconds) * 1000)
        var parts = tm()
        if local { localtime_r(&seconds, &parts) } else { gmtime_r(&seconds, &parts) }
        return (parts, milliseconds)
    }
}

/// Appends zero-padded decimal fields to an ASCII buffer.
private struct DigitWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(24) }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ character: Unicode.Scalar) { bytes.append(UInt8(character.value)) }

    mutating func digits(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            bytes.append(UInt8(48 + (remaining / divisor) % 10))
            remaining %= divisor
            divisor /= 10
        }
    }

    /// `YYYY-MM-DD<separator>HH:MM:SS`.
    mutating func date(_ parts: tm, separator: Unicode.Scalar) {
        digits(Int(parts.tm_year) + 1900, width: 4)
        append("-")
        digits(Int(parts.tm_mon) + 1, width: 2)
        append("-")
        digits(Int(parts.tm_mday), width: 2)
        append(separator)
        digits(Int(parts.tm_hour), width: 2)
        append(":")
        digits(Int(parts.tm_min), width: 2)
        append(":")
        digits(Int(parts.tm_sec), width: 2)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so instants before 1970 format correctly.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
