import Foundation
import Synchronization

/// Copies the write-ahead log into the database file on its own thread and connection, so
/// the group-commit writer never pays for a checkpoint inside a commit (SQLite's automatic
/// checkpoint would run in whichever commit crosses 1000 pages, stalling every request in
/// that batch).
///
/// PASSIVE checkpoints never block the writer or readers; SQLite restarts the log from the
/// beginning on the next write once everything in it has been copied.
final class WALCheckpointer: Sendable {
    private let session: SQLiteSession
    private let interval: TimeInterval
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(session: SQLiteSession, interval: TimeInterval = 0.2) {
        self.session = session
        self.interval = interval
        let thread = Thread { [self] in run() }
        thread.name = "sqlite-checkpointer"
        thread.start()
    }

    /// Stops after the checkpoint in progress, if any.
    func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        finished.wait()
    }

    private func run() {
        // Named from inside, so top -H and profilers show it (a new thread otherwise shows
        // its creator's name).
        Thread.current.name = "sqlite-ckpt"
        var connection: SQLiteConnection?
        while !stopped.load(ordering: .sequentiallyConsistent) {
            Thread.sleep(forTimeInterval: interval)
            do {
                if connection == nil { connection = try session.openReader(queryOnly: false) }
                try connection?.query("PRAGMA wal_checkpoint(PASSIVE)")
            } catch {
                // A fault (e.g. a read-only or full disk) is the writer's to report; retry later.
                connection = nil
            }
        }
        connection = nil
        finished.signal()
    }
}
