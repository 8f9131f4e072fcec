import Synchronization

/// The idempotency keys whose requests are being processed right now, per client.
///
/// One gateway process owns its database, so an in-memory set is exact; it holds one entry
/// per request in flight and no more.
final class InFlightKeys: Sendable {
    struct Key: Hashable, Sendable {
        let clientID: String
        let idempotencyKey: String
    }

    private let keys = Mutex<Set<Key>>([])

    /// Claims `key`; false when another request holds it.
    func claim(_ key: Key) -> Bool {
        keys.withLock { $0.insert(key).inserted }
    }

    func release(_ key: Key) {
        _ = keys.withLock { $0.remove(key) }
    }

    var count: Int { keys.withLock { $0.count } }
}
