import Dispatch
import Foundation
import Synchronization

/// The single writer of a SQLite database: it commits every pending write in one
/// transaction (group commit) and only then reports each write as done.
///
/// One fsync is paid per batch instead of per write, which is what makes durable
/// acknowledgements fast. Writes run on the writer's own thread, never on Swift's cooperative
/// pool. The queue is bounded: when it is full, `write` throws `StorageError.overloaded`
/// instead of growing memory. After any database-wide failure the connection is closed and
/// reopened on the next batch, so the writer recovers by itself once the fault clears.
public final class GroupCommitWriter: Sendable {
    /// A unit of work run inside the batch transaction, and how to report its outcome.
    private struct Job: Sendable {
        let perform: @Sendable (SQLiteConnection) throws -> any Sendable
        let complete: @Sendable (Result<any Sendable, any Error>) -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var isClosed = false
    }

    /// Counters exposed for tests and metrics.
    public struct Statistics: Sendable, Equatable {
        /// Transactions committed (a batch is one transaction).
        public var transactions: Int
        /// Writes committed successfully.
        public var writes: Int
        /// Batches that failed as a whole (nothing in them was committed).
        public var failedBatches: Int
    }

    private let session: SQLiteSession
    private let capacity: Int
    private let maximumBatchSize: Int
    private let queue = Mutex(Queue())
    private let statistics = Mutex(Statistics(transactions: 0, writes: 0, failedBatches: 0))
    private let wakeUp = DispatchSemaphore(value: 0)
    /// Where a batch's writers are told the outcome. Whatever a resumed writer does next runs
    /// on the thread that resumes it; on the writer thread that delayed the next batch's
    /// commit (measured: a third of the writer's time), so a serial queue takes the whole batch
    /// in one hop and the writer starts on the next batch at once.
    private let completions = DispatchQueue(label: "sqlite-commit-completions")
    private let finished = DispatchSemaphore(value: 0)

    /// Told after every committed batch (the background checkpointer).
    private let afterCommit: @Sendable () -> Void

    init(
        session: SQLiteSession, capacity: Int, maximumBatchSize: Int, afterCommit: @escaping @Sendable () -> Void
    ) {
        self.session = session
        self.afterCommit = afterCommit
        self.capacity = capacity
        self.maximumBatchSize = maximumBatchSize
        let thread = Thread { [self] in run() }
        thread.name = "sqlite-writer"
        thread.start()
    }

    /// Runs `work` inside the next batch transaction and returns its result once that
    /// transaction has committed. If `work` throws, only its own changes are rolled back.
    public func write<Result: Sendable>(
        _ work: @escaping @Sendable (SQLiteConnection) throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                perform: { try work($0) },
                complete: { outcome in
                    // The value was produced by `work`, so the cast cannot fail.
                    continuation.resume(with: outcome.map { $0 as! Result })
                })
            let (refusal, wasEmpty): (StorageError?, Bool) = queue.withLock { queue in
                if queue.isClosed { return (.shuttingDown, false) }
                if queue.jobs.count >= capacity { return (.overloaded, false) }
                queue.jobs.append(job)
                return (nil, queue.jobs.count == 1)
            }
            if let refusal {
                continuation.resume(throwing: refusal)
            } else if wasEmpty {
                // The writer drains the whole queue each time it wakes, so only the first job
                // of a batch needs to wake it.
                wakeUp.signal()
            }
        }
    }

    /// The counters so far.
    public var currentStatistics: Statistics { statistics.withLock { $0 } }

    /// Writes currently waiting for a batch.
    public var pendingCount: Int { queue.withLock { $0.jobs.count } }

    /// Commits everything already queued, refuses new writes, and stops the thread.
    func close() async {
        let wasClosed = queue.withLock { queue in
            defer { queue.isClosed = true }
            return queue.isClosed
        }
        guard !wasClosed else { return }
        wakeUp.signal()
        await finished.waitForSignal()
    }

    // MARK: - The writer thread

    private func run() {
        // Named from inside, so top -H and profilers show it (a new thread otherwise shows
        // its creator's name).
        Thread.current.name = "sqlite-writer"
        var connection: SQLiteConnection?
        while true {
            wakeUp.wait()
            let (batch, isClosed) = queue.withLock { queue in
                let batch = Array(queue.jobs.prefix(maximumBatchSize))
                queue.jobs.removeFirst(batch.count)
                if !queue.jobs.isEmpty { wakeUp.signal() }  // more than one batch is waiting
                return (batch, queue.isClosed && queue.jobs.isEmpty)
            }
            if !batch.isEmpty {
                commit(batch, connection: &connection)
            }
            if isClosed { break }
        }
        connection = nil
        completions.sync {}  // every outcome reported before `close` returns
        finished.signal()
    }

    private func commit(_ batch: [Job], connection: inout SQLiteConnection?) {
        let outcomes: [Result<any Sendable, any Error>]
        do {
            if connection == nil { connection = try session.openWriter() }
            guard let connection else { return }
            // Fast path: every job straight into one transaction. Only when a job fails is the
            // batch rolled back and run again with a savepoint per job, so that the failing job
            // alone is undone; that costs two statements per job, paid only on the rare batch.
            if let succeeded = try runTogether(batch, on: connection) {
                outcomes = succeeded
            } else {
                outcomes = try runIsolated(batch, on: connection)
            }
        } catch {
            // Nothing in the batch was committed: every write in it fails, and the connection
            // is reopened next time in case the fault was the connection's own.
            connection = nil
            statistics.withLock { $0.failedBatches += 1 }
            let failure = error.asStorageError
            completions.async {
                for job in batch { job.complete(.failure(failure)) }
            }
            return
        }
        let succeeded = outcomes.count(where: { if case .success = $0 { true } else { false } })
        statistics.withLock {
            $0.transactions += 1
            $0.writes += succeeded
        }
        completions.async {
            for (job, outcome) in zip(batch, outcomes) { job.complete(outcome) }
        }
        afterCommit()
    }

    /// Runs and commits the whole batch, or rolls it back and returns nil when one job failed
    /// for its own reasons. A database-wide failure is thrown.
    private func runTogether(_ batch: [Job], on connection: SQLiteConnection) throws -> [Result<
        any Sendable, any Error
    >]? {
        try connection.query("BEGIN IMMEDIATE")
        var outcomes: [Result<any Sendable, any Error>] = []
        outcomes.reserveCapacity(batch.count)
        do {
            for job in batch { outcomes.append(.success(try job.perform(connection))) }
            try connection.query("COMMIT")
            return outcomes
        } catch let error as SQLiteError where error.isUnavailability {
            try? connection.execute("ROLLBACK")
            throw error
        } catch {
            try connection.execute("ROLLBACK")
            return nil
        }
    }

    /// Runs the batch with each job in its own savepoint and commits what succeeded.
    private func runIsolated(_ batch: [Job], on connection: SQLiteConnection) throws -> [Result<
        any Sendable, any Error
    >] {
        try connection.query("BEGIN IMMEDIATE")
        do {
            let outcomes = try batch.map { try runIsolated($0, on: connection) }
            try connection.query("COMMIT")
            return outcomes
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Runs one job inside a savepoint, so that a job that fails for its own reasons (e.g. a
    /// constraint) is rolled back alone. A database-wide failure is rethrown to fail the batch.
    private func runIsolated(_ job: Job, on connection: SQLiteConnection) throws -> Result<any Sendable, any Error> {
        try connection.query("SAVEPOINT job")
        do {
            let value = try job.perform(connection)
            try connection.query("RELEASE job")
            return .success(value)
        } catch let error as SQLiteError where error.isUnavailability {
            throw error
        } catch {
            try connection.query("ROLLBACK TO job")
            try connection.query("RELEASE job")
            return .failure(error)
        }
    }
}
