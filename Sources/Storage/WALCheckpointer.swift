import Dispatch
import Foundation
import Synchronization

/// Copies committed pages from the write-ahead log into the database file on its own thread,
/// so that the writer's own checkpoint finds little left to copy.
///
/// SQLite's automatic checkpoint runs inside the commit that takes the log past 1000 pages:
/// every write waiting for the next batch waits for the copy and the database file's fsync
/// too (on a database of 5 million events, a checkpoint scatters ~1000 pages over a 2.8 GB
/// file). This thread runs passive checkpoints as commits arrive; the writer keeps its
/// automatic checkpoint, which then copies only what came since, and is the one that lets the
/// log restart from the beginning, since only a checkpoint by the single writer, between its
/// own batches, can find the log fully copied. (A checkpointer alone never does, under
/// continuous writes, and the log grows without bound: measured, 4.6 GB in 8 minutes.)
final class WALCheckpointer: Sendable {
    private let session: SQLiteSession
    private let wakeUp = DispatchSemaphore(value: 0)
    private let isWaiting = Atomic<Bool>(false)
    private let isStopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(session: SQLiteSession) {
        self.session = session
        let thread = Thread { [self] in run() }
        thread.start()
    }

    /// Called by the writer after each commit: wakes the thread if it is idle. A commit made
    /// during a checkpoint is copied by the one the next commit starts, or by the writer.
    func commitHappened() {
        if isWaiting.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged {
            wakeUp.signal()
        }
    }

    /// Stops the thread and closes its connection, after the checkpoint in progress if any.
    func stop() async {
        guard !isStopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wakeUp.signal()
        await finished.waitForSignal()
    }

    private func run() {
        // At most 15 characters: Linux refuses longer thread names.
        Thread.current.name = "sqlite-ckpt"
        var connection: SQLiteConnection?
        while !isStopped.load(ordering: .acquiring) {
            isWaiting.store(true, ordering: .releasing)
            wakeUp.wait()
            guard !isStopped.load(ordering: .acquiring) else { break }
            do {
                if connection == nil { connection = try session.openCheckpointer() }
                // PASSIVE neither waits for nor blocks readers and the writer; a checkpoint
                // that finds another one running (the writer's) returns busy, which is fine.
                _ = try connection?.query("PRAGMA wal_checkpoint(PASSIVE)")
            } catch {
                // Faults (read-only file, full disk, a lock held elsewhere) are the writer's to
                // report; this connection is reopened on the next commit.
                connection = nil
            }
        }
        connection = nil
        finished.signal()
    }
}
