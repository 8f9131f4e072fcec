import Foundation

/// A named logger, optionally bound to one request so every line carries its id.
///
/// Callers pass messages that never contain secrets, API keys, signatures, bodies or patient
/// ids: the logger cannot tell them apart from other text, so the rule is kept at call sites.
struct Logger: Sendable {
    let name: String
    let sink: LogSink
    /// The request this logger reports on, if any.
    var requestID: String?

    init(name: String = "gateway", sink: LogSink, requestID: String? = nil) {
        self.name = name
        self.sink = sink
        self.requestID = requestID
    }

    /// This logger bound to `requestID`.
    func forRequest(_ requestID: String) -> Logger {
        Logger(name: name, sink: sink, requestID: requestID)
    }

    func debug(_ message: @autoclosure () -> String) { log(.debug, message) }
    func info(_ message: @autoclosure () -> String) { log(.info, message) }
    func warning(_ message: @autoclosure () -> String) { log(.warning, message) }
    func error(_ message: @autoclosure () -> String) { log(.error, message) }

    private func log(_ level: LogLevel, _ message: () -> String) {
        guard level >= sink.minimumLevel else { return }
        sink.write(level: level, logger: name, message: message(), requestID: requestID)
    }
}
