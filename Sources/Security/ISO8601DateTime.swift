/// A strictly parsed ISO 8601 date-time that carries a zone (the RFC 3339 profile):
/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
///
/// Written by hand rather than with `ISO8601DateFormatter`, which accepts dates without a zone
/// in some configurations and is slow; this accepts exactly the documented form and checks
/// every component's range, including the length of each month.
public struct ISO8601DateTime: Sendable, Equatable {
    /// Milliseconds since 1970-01-01T00:00:00Z (fractions below a millisecond are dropped).
    public let millisecondsSince1970: Int64

    /// Parses `text`; nil when it is not a complete date-time with a zone or a component is
    /// out of range (e.g. month 13, 30 February, hour 24).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        var reader = DigitReader(bytes: bytes)
        guard let year = reader.number(digits: 4), reader.skip("-"),
            let month = reader.number(digits: 2), reader.skip("-"),
            let day = reader.number(digits: 2), reader.skip("T") || reader.skip("t"),
            let hour = reader.number(digits: 2), reader.skip(":"),
            let minute = reader.number(digits: 2), reader.skip(":"),
            let second = reader.number(digits: 2)
        else { return nil }
        var milliseconds = 0
        if reader.skip(".") {
            guard let fraction = reader.fractionMilliseconds() else { return nil }
            milliseconds = fraction
        }
        var offsetMinutes = 0
        if reader.skip("Z") || reader.skip("z") {
            offsetMinutes = 0
        } else if let sign = reader.sign(), let offsetHour = reader.number(digits: 2), reader.skip(":"),
            let offsetMinute = reader.number(digits: 2), offsetHour <= 23, offsetMinute <= 59
        {
            offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
        } else {
            return nil
        }
        guard reader.isAtEnd, year >= 1, (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day), hour <= 23, minute <= 59, second <= 59
        else { return nil }
        let days = Self.daysSince1970(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        millisecondsSince1970 = seconds * 1000 + Int64(milliseconds)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's
    /// `days_from_civil`).
    public static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Reads fixed-width decimal fields and separators from ASCII bytes.
private struct DigitReader {
    let bytes: [UInt8]
    var position = 0

    var isAtEnd: Bool { position == bytes.count }

    mutating func number(digits: Int) -> Int? {
        guard position + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<position + digits] {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        position += digits
        return value
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(character.value) else { return false }
        position += 1
        return true
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }

    /// One to nine fractional digits, as whole milliseconds.
    mutating func fractionMilliseconds() -> Int? {
        let start = position
        while position < bytes.count, (48...57).contains(bytes[position]) { position += 1 }
        let digits = bytes[start..<position]
        guard (1...9).contains(digits.count) else { return nil }
        return digits.prefix(3).reduce(0) { $0 * 10 + Int($1 - 48) }
            * [100, 10, 1][min(digits.count, 3) - 1]
    }
}
