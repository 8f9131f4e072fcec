import Synchronization

/// Refuses an address that failed authentication too often, so keys and tokens cannot be
/// brute-forced: `limit` failures within `window` seconds block it for `blockSeconds`.
///
/// Memory is bounded: at most `maximumAddresses` are tracked; stale entries go first, then
/// the least recently seen.
public final class FailedAuthenticationThrottle: Sendable {
    private struct Entry {
        var failures: [Double] = []
        var blockedUntil: Double = 0
        var lastSeen: Double = 0
    }

    public let limit: Int
    public let window: Double
    public let blockSeconds: Double
    private let maximumAddresses: Int
    private let entries = Mutex<[String: Entry]>([:])

    public init(limit: Int = 20, window: Double = 60, blockSeconds: Double = 60, maximumAddresses: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.blockSeconds = blockSeconds
        self.maximumAddresses = maximumAddresses
    }

    /// Whole seconds (≥ 1) the address remains blocked, or nil when it may try.
    public func blockedSeconds(for address: String, now: Double) -> Int? {
        entries.withLock { entries in
            guard let entry = entries[address], entry.blockedUntil > now else { return nil }
            return max(1, Int((entry.blockedUntil - now).rounded(.up)))
        }
    }

    /// Records one failed authentication from `address`.
    public func recordFailure(from address: String, now: Double) {
        entries.withLock { entries in
            var entry = entries[address] ?? Entry()
            entry.failures = entry.failures.filter { now - $0 < window } + [now]
            entry.lastSeen = now
            if entry.failures.count >= limit {
                entry.blockedUntil = now + blockSeconds
                entry.failures = []
            }
            if entries[address] == nil, entries.count >= maximumAddresses {
                evict(from: &entries, now: now)
            }
            entries[address] = entry
        }
    }

    /// Addresses currently tracked.
    public var count: Int { entries.withLock { $0.count } }

    private func evict(from entries: inout [String: Entry], now: Double) {
        entries = entries.filter { $0.value.blockedUntil > now || now - $0.value.lastSeen < window }
        if entries.count >= maximumAddresses, let oldest = entries.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
            entries.removeValue(forKey: oldest.key)
        }
    }
}
