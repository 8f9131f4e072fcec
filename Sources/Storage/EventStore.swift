/// Durable storage of appointment events; every backend (SQLite, later PostgreSQL) conforms.
public protocol EventStore: Sendable {
    /// Stores `event` and returns its id only after the transaction holding it has committed.
    /// Throws `StorageError` when it cannot be committed; then nothing was stored.
    func insert(_ event: NewAppointmentEvent) async throws -> Int64

    /// The event with `id`, or nil.
    func event(id: Int64) async throws -> StoredAppointmentEvent?

    /// Events matching `query`, newest first.
    func events(matching query: AppointmentEventQuery) async throws -> AppointmentEventPage

    /// Proves the store can both read and commit right now; throws `StorageError` otherwise.
    func checkHealth() async throws

    /// Finishes every accepted write, then refuses new ones.
    func shutdown() async
}
