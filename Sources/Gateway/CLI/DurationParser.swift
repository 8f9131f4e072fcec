/// Durations as admins type them: `30s`, `15m`, `24h`, `7d`, or `0`.
enum DurationParser {
    /// Whole seconds, or nil when `text` is not a non-negative number with one of the units.
    static func seconds(_ text: String) -> Int? {
        if text == "0" { return 0 }
        guard let unit = text.last, let amount = Int(text.dropLast()), amount >= 0 else { return nil }
        switch unit {
        case "s": return amount
        case "m": return amount * 60
        case "h": return amount * 3600
        case "d": return amount * 86_400
        default: return nil
        }
    }
}
