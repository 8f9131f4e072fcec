/// Why the store could not do what was asked.
///
/// Descriptions never include bound values (patient ids, bodies): they name the failure only.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store cannot commit or read right now (locked, read-only, full, I/O error, closed).
    /// The caller should answer 503 and the client retry later; the store recovers by itself.
    case unavailable(reason: String)
    /// The write queue is full: the store is overloaded and refuses work rather than grow.
    case overloaded
    /// The store is shutting down and accepts no new work.
    case shuttingDown
    /// The attempt's nonce is already recorded: the same signed attempt was stored before.
    case duplicateAttempt
    /// A bad argument that the caller should have caught (e.g. an undecodable cursor).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "storage unavailable: \(reason)"
        case .overloaded: "storage overloaded: write queue full"
        case .shuttingDown: "storage shutting down"
        case .duplicateAttempt: "attempt already recorded"
        case .invalidArgument(let message): "invalid storage argument: \(message)"
        }
    }
}
