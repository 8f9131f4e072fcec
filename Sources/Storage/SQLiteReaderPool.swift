import Dispatch
import Synchronization

/// A few read-only connections, each confined to its own serial queue, so queries run in
/// parallel with the writer (WAL lets readers see the last commit without blocking it) and
/// never on Swift's cooperative pool.
final class SQLiteReaderPool: Sendable {
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

    /// Closes every connection once the reads queued before it have finished.
    func close() {
        for slot in slots {
            slot.queue.sync { slot.connection = nil }
        }
    }
}
