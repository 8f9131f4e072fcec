import Foundation
import Synchronization

/// Where log lines go: the console (standard error) and, when configured, a file.
///
/// One lock serialises writes so that lines from different threads never interleave.
final class LogSink: Sendable {
    let minimumLevel: LogLevel
    let format: LogFormat
    private let file: Mutex<FileHandle?>
    private let writesToConsole: Bool

    /// Opens (creating, appending to) `filePath` when given; throws if it cannot be opened.
    init(minimumLevel: LogLevel, format: LogFormat, filePath: String?, writesToConsole: Bool = true) throws {
        self.minimumLevel = minimumLevel
        self.format = format
        self.writesToConsole = writesToConsole
        var handle: FileHandle?
        if let filePath, !filePath.isEmpty {
            let url = URL(fileURLWithPath: filePath)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: filePath) {
                FileManager.default.createFile(atPath: filePath, contents: nil)
            }
            handle = try FileHandle(forWritingTo: url)
            try handle?.seekToEnd()
        }
        file = Mutex(handle)
    }

    /// A sink that discards everything (for tests of components that log).
    static func discarding() -> LogSink {
        // Cannot fail: no file is opened.
        try! LogSink(minimumLevel: .error, format: .text, filePath: nil, writesToConsole: false)
    }

    func write(level: LogLevel, logger: String, message: String, requestID: String?, date: Date = Date()) {
        guard level >= minimumLevel else { return }
        let line: String
        switch format {
        case .text:
            line = "\(Timestamp.logTime(date)) - \(logger) - \(level.name) - \(message)\n"
        case .json:
            var members: [(String, JSONValue)] = [
                ("time", .string(Timestamp.iso8601UTC(date))), ("level", .string(level.name)),
                ("logger", .string(logger)), ("message", .string(message)),
            ]
            if let requestID { members.append(("request_id", .string(requestID))) }
            line = JSONValue.object(members).serialized() + "\n"
        }
        let bytes = Data(line.utf8)
        file.withLock { handle in
            if writesToConsole { FileHandle.standardError.write(bytes) }
            try? handle?.write(contentsOf: bytes)
        }
    }
}
