import Foundation
import Synchronization

/// Where log lines go: the console (standard error) and, when configured, a file.
///
/// Lines are formatted by the caller's thread and handed to one writer thread, which writes
/// whatever has accumulated in one system call per destination: request threads never wait
/// for disk, and lines never interleave. `flush()` waits until everything queued is written.
final class LogSink: Sendable {
    let minimumLevel: LogLevel
    let format: LogFormat
    private let file: FileHandle?
    private let writesToConsole: Bool
    private let pending = Mutex(PendingLines())
    private let wakeUp = DispatchSemaphore(value: 0)

    private struct PendingLines {
        var text: [UInt8] = []
        /// Incremented per batch written, so `flush` can tell its lines have gone out.
        var written = 0
        var queued = 0
        var writerRunning = false
    }

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
                _ = FileManager.default.createFile(atPath: filePath, contents: nil)
            }
            handle = try FileHandle(forWritingTo: url)
            try handle?.seekToEnd()
        }
        file = handle
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
        let (startsWriter, wakesWriter) = pending.withLock { pending in
            let wasEmpty = pending.text.isEmpty
            pending.text.append(contentsOf: line.utf8)
            pending.queued += 1
            defer { pending.writerRunning = true }
            return (!pending.writerRunning, wasEmpty)
        }
        if startsWriter {
            let thread = Thread { [self] in runWriter() }
            thread.name = "log-writer"
            thread.start()
        }
        // The writer takes everything queued each time it wakes, so only the line that finds
        // the queue empty needs to wake it: a wake-up per line cost a context switch per line.
        if wakesWriter { wakeUp.signal() }
    }

    /// Waits until every line written so far has reached its destinations.
    func flush() {
        let target = pending.withLock { $0.queued }
        while pending.withLock({ $0.written < target }) {
            wakeUp.signal()
            usleep(1000)
        }
    }

    private func runWriter() {
        // Named from inside, so top -H and profilers show it (a new thread otherwise shows
        // its creator's name).
        Thread.current.name = "log-writer"
        while true {
            wakeUp.wait()
            let (text, count) = pending.withLock { pending in
                defer { pending.text.removeAll(keepingCapacity: true) }
                return (pending.text, pending.queued)
            }
            guard !text.isEmpty else {
                pending.withLock { $0.written = max($0.written, count) }
                continue
            }
            let data = Data(text)
            if writesToConsole { FileHandle.standardError.write(data) }
            try? file?.write(contentsOf: data)
            pending.withLock { $0.written = max($0.written, count) }
        }
    }
}
