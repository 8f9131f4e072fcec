/// Severity of a log line, named as Python's logging names them (the seed's format).
enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug = 10
    case info = 20
    case warning = 30
    case error = 40

    /// The name written in log lines: `DEBUG`, `INFO`, `WARNING`, `ERROR`.
    var name: String {
        switch self {
        case .debug: "DEBUG"
        case .info: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        }
    }

    /// Parses a configured level name (any case; `WARN` accepted for `WARNING`).
    init?(name: String) {
        switch name.uppercased() {
        case "DEBUG": self = .debug
        case "INFO": self = .info
        case "WARNING", "WARN": self = .warning
        case "ERROR": self = .error
        default: return nil
        }
    }

    static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How log lines are written.
enum LogFormat: String, Sendable, CaseIterable {
    /// `%(asctime)s - %(name)s - %(levelname)s - %(message)s`, the seed's pattern.
    case text
    /// One JSON object a line: `time`, `level`, `logger`, `message`, `request_id`.
    case json
}
