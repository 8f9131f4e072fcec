import Dispatch
import Foundation
import Security
import Synchronization

/// The current credentials, reloaded from the keys file on SIGHUP and whenever the file
/// changes on disk (a stat call twice a second, comfortably inside the contract's 2 seconds).
/// A bad new version is refused with an ERROR log and the last good one stays in force, so a
/// typo never locks every partner out.
final class CredentialsProvider: Sendable {
    private struct State {
        var directory: CredentialDirectory
        var signature: FileSignature?
    }

    let path: String
    private let logger: Logger
    private let state: Mutex<State>
    private let sources = DispatchSourceBag()
    private let queue = DispatchQueue(label: "keys-file-watcher")

    /// Loads the file; throws when it is missing, too widely readable, or invalid, so the
    /// server refuses to start.
    init(path: String, logger: Logger) throws(KeysFileError) {
        self.path = path
        self.logger = logger
        let (file, signature) = try KeysFileLoader.load(path: path)
        state = Mutex(State(directory: CredentialDirectory(file), signature: signature))
    }

    /// The credentials in force now.
    var directory: CredentialDirectory { state.withLock { $0.directory } }

    /// Reads the file again; keeps the current credentials if the new version is refused.
    func reload(reason: String) {
        do {
            let (file, signature) = try KeysFileLoader.load(path: path)
            let directory = CredentialDirectory(file)
            state.withLock {
                $0.directory = directory
                $0.signature = signature
            }
            logger.info("Keys file reloaded after \(reason) (clients=\(directory.clientCount))")
        } catch {
            // Remember the refused version so the poll does not log the same error every second.
            let signature = FileSignature(path: path)
            state.withLock { $0.signature = signature }
            logger.error("Keys file reload after \(reason) refused, keeping the last good version: \(error)")
        }
    }

    /// Starts reloading on SIGHUP and on any change to the file (polled every `interval`).
    func startWatching(interval: DispatchTimeInterval = .milliseconds(500)) {
        signal(SIGHUP, SIG_IGN)
        let hangUp = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hangUp.setEventHandler { [weak self] in self?.reload(reason: "SIGHUP") }
        hangUp.resume()
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.reloadIfChanged() }
        timer.resume()
        sources.keep(hangUp)
        sources.keep(timer)
    }

    /// Stops watching.
    func stopWatching() {
        sources.cancelAll()
    }

    private func reloadIfChanged() {
        let current = FileSignature(path: path)
        let known = state.withLock { $0.signature }
        if current != known { reload(reason: "a change on disk") }
    }
}

/// Keeps dispatch sources alive until cancelled; dispatch sources are thread-safe objects that
/// Swift does not mark `Sendable`.
final class DispatchSourceBag: @unchecked Sendable {
    // Safe: `sources` is only touched under `lock`.
    private let lock = NSLock()
    private var sources: [any DispatchSourceProtocol] = []

    func keep(_ source: any DispatchSourceProtocol) {
        lock.withLock { sources.append(source) }
    }

    func cancelAll() {
        let cancelled = lock.withLock {
            defer { sources = [] }
            return sources
        }
        for source in cancelled { source.cancel() }
    }
}
