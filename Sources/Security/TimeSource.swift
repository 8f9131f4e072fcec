import Foundation

/// Where the security components read the current time; injected so tests never sleep.
public struct TimeSource: Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let now: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Double) {
        self.now = now
    }

    /// The system's wall clock.
    public static let system = TimeSource { Date().timeIntervalSince1970 }

    /// The current time in whole milliseconds since 1970.
    public var milliseconds: Int64 { Int64((now() * 1000).rounded(.down)) }
}
