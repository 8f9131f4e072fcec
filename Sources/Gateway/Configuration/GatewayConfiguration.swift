/// Everything the server is configured with (contract §7): environment variables with the
/// seed's names, overridden by `gateway serve` flags.
struct GatewayConfiguration: Sendable, Equatable {
    var host = "0.0.0.0"
    var port = 8000
    var databasePath = "./data/appointments.db"
    /// A `postgres://` URL selecting PostgreSQL instead of SQLite.
    var databaseURL: String?
    var keysPath = "./keys.json"
    var logLevel = LogLevel.info
    /// An empty path disables the log file (console only).
    var logFile = "./logs/webhook.log"
    var logFormat = LogFormat.text
    /// Seconds a `webhook-timestamp` may lie in the past or the future.
    var timestampToleranceSeconds = 300
    var maximumBodyBytes = 65_536
    var idempotencyTTLSeconds = 86_400
    /// Tokens per second of a client's bucket when the keys file does not set one.
    var defaultRate = 50.0
    /// Capacity of a client's bucket when the keys file does not set one.
    var defaultBurst = 100
    /// Serves `POST /bench/bare`, an endpoint that does nothing, for benchmark ceilings only.
    var enablesBenchmarkRoute = false
}
