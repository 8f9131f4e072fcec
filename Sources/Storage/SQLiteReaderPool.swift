import Dispatch
import Synchronization

/// Read-only connections: a few confined to their own serial queues for admin queries, which
/// may scan, and a free list lent to the hot path's point lookups, which run on the caller's
/// thread. WAL lets readers see the last commit without blocking the writer or each other.
final class SQLiteReaderPool: Sendable {
    /// A connection lent to one caller at a time.
    private final class LentConnection: @unchecked Sendable {
        // Safe: a connection is either in the free list (touched under its lock) or held by
        // exactly one `lookup` call until it is handed back.
        let connection: SQLiteConnection
        init(_ connection: SQLiteConnection) { self.connection = connection }
    }

    /// One connection and the queue that alone may touch it.
    private final class Slot: @unchecked Sendable {
        // Safe: `connection` is only read or written by blocks running on `queue`.
        let queue: DispatchQueue
        var connection: SQLiteConnection?

        init(index: Int) {
            queue = DispatchQueue(label: "sqlite-reader-\(index)")
        }
    }

    private let session: SQLiteSession
    private let slots: [Slot]
    private let nextSlot = Atomic<Int>(0)
    private let idleLookupConnections = Mutex<[LentConnection]>([])
    /// Connections kept for lookups; more callers at once open extra ones and close them after.
    private let lookupConnectionLimit = 4

    init(session: SQLiteSession, size: Int) {
        self.session = session
        slots = (0..<max(1, size)).map(Slot.init(index:))
    }

    /// Runs `work` on one reader connection, opening it if needed; database-wide failures
    /// become `StorageError.unavailable` and close the connection so the next read reopens it.
    func read<Result: Sendable>(_ work: @escaping @Sendable (SQLiteConnection) throws -> Result) async throws -> Result
    {
        let slot = slots[nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue % slots.count]
        let session = self.session
        return try await withCheckedThrowingContinuation { continuation in
            slot.queue.async {
                do {
                    if slot.connection == nil { slot.connection = try session.openReader() }
                    continuation.resume(returning: try work(slot.connection!))
                } catch {
                    slot.connection = nil
                    continuation.resume(throwing: error.asStorageError)
                }
            }
        }
    }

    /// Runs a short point query on the caller's thread with a lent connection.
    ///
    /// The ingest path's replay and idempotency lookups touch a handful of pages; a hop to a
    /// reader queue and back cost more than the query (measured), so they run inline. Scans
    /// belong in `read`.
    func lookup<Result>(_ work: (SQLiteConnection) throws -> Result) throws -> Result {
        let lent: LentConnection
        do {
            lent = try idleLookupConnections.withLock { $0.popLast() } ?? LentConnection(session.openReader())
        } catch {
            throw error.asStorageError
        }
        do {
            let result = try work(lent.connection)
            idleLookupConnections.withLock { idle in
                if idle.count < lookupConnectionLimit { idle.append(lent) }
            }
            return result
        } catch {
            // Not handed back: a connection that failed is closed, and the next lookup opens a
            // fresh one, as the queued readers do.
            throw error.asStorageError
        }
    }

    /// Closes every connection once the reads queued before it have finished.
    func close() {
        for slot in slots {
            slot.queue.sync { slot.connection = nil }
        }
        idleLookupConnections.withLock { $0.removeAll() }
    }
}
