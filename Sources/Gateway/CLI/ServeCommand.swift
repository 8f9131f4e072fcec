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
        let termination = TerminationSignal()
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
        // Lines are written by a background thread; make sure they are out before exit.
        defer { sink.flush() }
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
        let pruning = ExpiredRecordPruner(
            ledger: store, timestampToleranceSeconds: configuration.timestampToleranceSeconds, logger: logger
        ).start()
        logger.info("Listening on \(configuration.host):\(server.port) (gateway \(GatewayVersion.current))")
        let signal = await termination.wait()
        logger.info("Received \(signal); draining requests in flight")
        pruning.cancel()
        credentials.stopWatching()
        await server.shutdown()
        await store.shutdown()
        let statistics = store.writer.currentStatistics
        logger.info(
            "Stopped (\(statistics.writes) writes committed in \(statistics.transactions) transactions, "
                + "\(statistics.failedBatches) failed batches)")
        return CommandLineInterface.ExitStatus.success
    }
}

/// SIGTERM and SIGINT, caught from start-up on (so one that arrives while the server is still
/// starting is not lost) and awaited once the server runs.
final class TerminationSignal: @unchecked Sendable {
    // Safe: `received` and `waiter` are only touched under `lock`.
    private let lock = NSLock()
    private var received: String?
    private var waiter: CheckedContinuation<String, Never>?
    private let sources = DispatchSourceBag()

    /// Replaces the default action (which would kill the process before the drain) with
    /// dispatch sources.
    init() {
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.deliver(name) }
            source.resume()
            sources.keep(source)
        }
    }

    /// The name of the first signal, waiting for it if none has arrived yet.
    func wait() async -> String {
        await withCheckedContinuation { continuation in
            let already: String? = lock.withLock {
                if let received { return received }
                waiter = continuation
                return nil
            }
            if let already { continuation.resume(returning: already) }
        }
    }

    private func deliver(_ name: String) {
        let waiting: CheckedContinuation<String, Never>? = lock.withLock {
            guard received == nil else { return nil }
            received = name
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(returning: name)
    }
}
