import Foundation
import Storage

/// Deletes expired nonces and idempotency records once a minute, so those tables stay
/// bounded by traffic within the window and TTL.
struct ExpiredRecordPruner: Sendable {
    let ledger: any DeliveryLedger
    /// The timestamp window: a nonce older than it can never match an accepted attempt again.
    let timestampToleranceSeconds: Int
    let logger: Logger
    var interval: Duration = .seconds(60)

    /// Starts the periodic task; cancel it to stop.
    func start() -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                do {
                    let now = Int64(Date().timeIntervalSince1970)
                    let removed = try await ledger.pruneExpired(
                        now: now, noncesTimestampedBefore: now - Int64(timestampToleranceSeconds))
                    if removed > 0 { logger.debug("Pruned \(removed) expired nonce and idempotency records") }
                } catch {
                    logger.error("Pruning expired records failed: \(error)")
                }
            }
        }
    }
}
