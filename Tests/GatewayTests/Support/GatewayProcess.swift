import Foundation
import Security

/// The real `gateway` executable, started as a subprocess on 127.0.0.1 with a free port, a
/// fresh directory for its SQLite file and logs, and stopped at the end of a test.
final class GatewayProcess: @unchecked Sendable {
    // Safe: `output` is only touched under `lock`; the rest is set once in init.
    let directory: URL
    let port: Int
    let process: Process
    private let lock = NSLock()
    private var output = ""

    var databasePath: String { directory.appendingPathComponent("gateway.db").path }
    var logPath: String { directory.appendingPathComponent("webhook.log").path }
    var keysPath: String { directory.appendingPathComponent("keys.json").path }

    /// Everything the process wrote to its console so far.
    var consoleOutput: String { lock.withLock { output } }

    /// Starts the gateway; `directory` lets a test restart on the same files.
    init(
        directory: URL? = nil, keys: KeysFile? = TestCredentials.keysFile(), environment: [String: String] = [:],
        arguments: [String] = []
    ) throws {
        let directory =
            directory
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("gateway-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        if let keys { try TestCredentials.write(keys, to: directory.appendingPathComponent("keys.json").path) }
        process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve"] + arguments
        var settings = [
            "WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_PORT": "0",
            "WEBHOOK_DB_PATH": directory.appendingPathComponent("gateway.db").path,
            "WEBHOOK_LOG_FILE": directory.appendingPathComponent("webhook.log").path,
            "WEBHOOK_KEYS_PATH": directory.appendingPathComponent("keys.json").path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        settings.merge(environment) { $1 }
        process.environment = settings
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let lock = self.lock
        var collected = ""
        let deadline = Date().addingTimeInterval(20)
        var port: Int?
        // Read the console until the "Listening on host:port" line reports the bound port.
        let handle = pipe.fileHandleForReading
        while port == nil, Date() < deadline, process.isRunning || collected.isEmpty {
            let data = handle.availableData
            if data.isEmpty { break }
            collected += String(decoding: data, as: UTF8.self)
            if let range = collected.range(of: #"Listening on [0-9.]+:([0-9]+)"#, options: .regularExpression) {
                port = Int(collected[range].split(separator: ":").last ?? "")
            }
        }
        output = collected
        guard let port else {
            process.terminate()
            throw GatewayProcessError.didNotStart(collected)
        }
        self.port = port
        handle.readabilityHandler = { [weak self] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            guard let self else { return }
            lock.withLock { self.output += text }
        }
    }

    /// Sends SIGTERM and waits for exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends SIGKILL and waits.
    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The built `gateway` binary: `GATEWAY_BINARY`, else beside the test bundle, else
    /// `.build/debug/gateway` under the package root.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["GATEWAY_BINARY"] { return URL(fileURLWithPath: path) }
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("gateway")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/gateway")
    }
}

enum GatewayProcessError: Error {
    case didNotStart(String)
}
