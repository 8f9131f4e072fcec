import Dispatch
import Foundation
import Security
import Storage

/// `gateway serve`: runs the server until SIGTERM or SIGINT, then drains and exits 0.
enum ServeCommand {
    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(
                """
                Usage: gateway serve [options]

                Runs the webhook server. Each option can also be set by the environment
                variable in brackets; a flag beats the variable.

                Options:
                \(CommandLineInterface.optionsHelp(ConfigurationOption.serveOptions))
                """)
            return CommandLineInterface.ExitStatus.success
        }
        let configuration: GatewayConfiguration
        do {
            configuration = try ConfigurationLoader.load(environment: environment, arguments: arguments)
        } catch {
            CommandLineInterface.printError("gateway serve: \(error)")
            return CommandLineInterface.ExitStatus.usage
        }
        if configuration.databaseURL != nil {
            CommandLineInterface.printError(
                "gateway serve: WEBHOOK_DATABASE_URL is set, but this build supports only the embedded SQLite store; "
                    + "unset it to use WEBHOOK_DB_PATH")
            return CommandLineInterface.ExitStatus.failure
        }
        let sink: LogSink
        do {
            sink = try LogSink(
                minimumLevel: configuration.logLevel, format: configuration.logFormat,
                filePath: configuration.logFile.isEmpty ? nil : configuration.logFile)
        } catch {
            CommandLineInterface.printError(
                "gateway serve: cannot open WEBHOOK_LOG_FILE \(configuration.logFile): \(error)")
            return CommandLineInterface.ExitStatus.failure
        }
        let logger = Logger(sink: sink)
        let credentials: CredentialsProvider
        do {
            credentials = try CredentialsProvider(path: configuration.keysPath, logger: logger)
        } catch {
            logger.error("Cannot start: WEBHOOK_KEYS_PATH: \(error)")
            return CommandLineInterface.ExitStatus.failure
        }
        let store: SQLiteEventStore
        do {
            store = try SQLiteEventStore(
                configuration: .init(path: configuration.databasePath), hasher: { SHA256.hexDigest($0) })
        } catch {
            logger.error("Cannot open the database at WEBHOOK_DB_PATH \(configuration.databasePath): \(error)")
            return CommandLineInterface.ExitStatus.failure
        }
        let server: HTTPServer
        do {
            server = try HTTPServer(
                configuration: .init(
                    host: configuration.host, port: configuration.port, maximumBodyBytes: configuration.maximumBodyBytes
                ),
                responder: Application.makeResponder(
                    GatewayServices(
                        configuration: configuration, store: store, credentials: credentials, logger: logger)))
        } catch {
            logger.error("Cannot start the HTTP server: \(error)")
            await store.shutdown()
            return CommandLineInterface.ExitStatus.failure
        }
        credentials.startWatching()
        let pruning = ExpiredRecordPruner(ledger: store, logger: logger).start()
        logger.info("Listening on \(configuration.host):\(server.port) (gateway \(GatewayVersion.current))")
        let signal = await waitForTerminationSignal()
        logger.info("Received \(signal); draining requests in flight")
        pruning.cancel()
        credentials.stopWatching()
        await server.shutdown()
        await store.shutdown()
        logger.info("Stopped")
        return CommandLineInterface.ExitStatus.success
    }

    /// Suspends until SIGTERM or SIGINT arrives and returns its name.
    private static func waitForTerminationSignal() async -> String {
        await withCheckedContinuation { continuation in
            let resumed = SignalOnce(continuation)
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                // The default action would kill the process before the drain; a dispatch
                // source receives the signal instead.
                Foundation.signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { resumed.resume(name) }
                source.resume()
                resumed.keep(source)
            }
        }
    }
}

/// Resumes a continuation for the first signal only, and keeps the signal sources alive.
private final class SignalOnce: @unchecked Sendable {
    // Safe: `continuation` is only touched under `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<String, Never>?
    private let sources = DispatchSourceBag()

    init(_ continuation: CheckedContinuation<String, Never>) {
        self.continuation = continuation
    }

    func keep(_ source: any DispatchSourceSignal) {
        sources.keep(source)
    }

    func resume(_ name: String) {
        let continuation = lock.withLock {
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume(returning: name)
    }
}
