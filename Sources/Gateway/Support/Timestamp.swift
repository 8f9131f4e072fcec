import Foundation

/// Formatting of instants in the two forms the gateway writes: UTC ISO 8601 with milliseconds
/// for API fields, and the seed's log-line form. Uses the C time functions because
/// `DateFormatter` is slow and not thread-safe.
enum Timestamp {
    /// `2026-12-03T16:04:27.123Z`: how `received_at` and `occurred_at` are stored and returned.
    /// Fixed width, so stored values sort as text in time order.
    static func iso8601UTC(_ date: Date) -> String {
        let (parts, milliseconds) = brokenDown(date, local: false)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, milliseconds)
    }

    /// `2026-12-03T16:04:27Z`: how the keys file records `created_at` and `expires_at`.
    static func iso8601Seconds(_ date: Date) -> String {
        let (parts, _) = brokenDown(date, local: false)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// `2026-12-03 16:04:27,123` in local time: Python logging's `asctime`, as the seed logged.
    static func logTime(_ date: Date) -> String {
        let (parts, milliseconds) = brokenDown(date, local: true)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d,%03d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, milliseconds)
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

extension Int64 {
    /// Division rounding toward negative infinity, so instants before 1970 format correctly.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
