import Synchronization

/// Per-client token buckets: `rate` tokens a second flow into a bucket of capacity `burst`;
/// each request takes one. Time is passed in, so the limiter is exact under test.
///
/// The table is bounded: beyond `maximumBuckets`, buckets that have refilled completely are
/// dropped (a full bucket is the same as a new one), then the least recently used.
public final class TokenBucketLimiter: Sendable {
    /// The outcome of one request, with what the rate-limit headers report.
    public struct Decision: Sendable, Equatable {
        public let isAllowed: Bool
        /// Whole tokens left after this request.
        public let remaining: Int
        /// Seconds (rounded up) until the next whole token; 0 when `remaining > 0`.
        public let secondsUntilNextToken: Int
        public let burst: Int
        /// Seconds an empty bucket takes to fill: `ceil(burst / rate)`.
        public let window: Int

        public init(isAllowed: Bool, remaining: Int, secondsUntilNextToken: Int, burst: Int, window: Int) {
            self.isAllowed = isAllowed
            self.remaining = remaining
            self.secondsUntilNextToken = secondsUntilNextToken
            self.burst = burst
            self.window = window
        }
    }

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let maximumBuckets: Int

    public init(maximumBuckets: Int = 100_000) {
        self.maximumBuckets = maximumBuckets
    }

    /// Takes a token from `key`'s bucket if one is there.
    public func take(key: String, rate: Double, burst: Int, now: Double) -> Decision {
        let capacity = Double(burst)
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = max(0, now - bucket.updated)
            bucket.tokens = min(capacity, bucket.tokens + elapsed * rate)
            bucket.updated = now
            let isAllowed = bucket.tokens >= 1
            if isAllowed { bucket.tokens -= 1 }
            if buckets[key] == nil, buckets.count >= maximumBuckets {
                Self.evict(from: &buckets, now: now, rate: rate, capacity: capacity)
            }
            buckets[key] = bucket
            let remaining = Int(bucket.tokens.rounded(.down))
            let wait = remaining > 0 ? 0 : Int(((1 - bucket.tokens) / rate).rounded(.up))
            return Decision(
                isAllowed: isAllowed, remaining: remaining, secondsUntilNextToken: max(wait, isAllowed ? 0 : 1),
                burst: burst, window: Int((capacity / rate).rounded(.up)))
        }
    }

    /// Buckets currently tracked.
    public var count: Int { buckets.withLock { $0.count } }

    private static func evict(from buckets: inout [String: Bucket], now: Double, rate: Double, capacity: Double) {
        buckets = buckets.filter { $0.value.tokens + (now - $0.value.updated) * rate < capacity }
        if let oldest = buckets.min(by: { $0.value.updated < $1.value.updated }) {
            buckets.removeValue(forKey: oldest.key)
        }
    }
}
