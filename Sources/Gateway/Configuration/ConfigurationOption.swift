/// One configuration setting: its environment variable, its flag, its help, how to apply it.
///
/// The table of these is the single source for parsing, validation and `--help`.
struct ConfigurationOption: Sendable {
    let environmentVariable: String?
    let flag: String
    let valueName: String
    let help: String
    let apply: @Sendable (inout GatewayConfiguration, String) -> Bool

    /// Every setting `gateway serve` understands, in help order.
    static let serveOptions: [ConfigurationOption] = [
        ConfigurationOption("WEBHOOK_HOST", "--host", "ADDRESS", "numeric address to listen on (0.0.0.0)") {
            guard !$1.isEmpty else { return false }
            $0.host = $1
            return true
        },
        ConfigurationOption("WEBHOOK_PORT", "--port", "PORT", "TCP port, 0 picks a free one (8000)") {
            guard let port = Int($1), (0...65535).contains(port) else { return false }
            $0.port = port
            return true
        },
        ConfigurationOption("WEBHOOK_DB_PATH", "--db", "PATH", "SQLite database file (./data/appointments.db)") {
            guard !$1.isEmpty else { return false }
            $0.databasePath = $1
            return true
        },
        ConfigurationOption(
            "WEBHOOK_DATABASE_URL", "--database-url", "URL", "postgres:// URL; selects PostgreSQL (unset)"
        ) {
            guard $1.hasPrefix("postgres://") || $1.hasPrefix("postgresql://") else { return false }
            $0.databaseURL = $1
            return true
        },
        ConfigurationOption("WEBHOOK_KEYS_PATH", "--keys", "PATH", "clients and admin tokens file (./keys.json)") {
            guard !$1.isEmpty else { return false }
            $0.keysPath = $1
            return true
        },
        ConfigurationOption("WEBHOOK_LOG_LEVEL", "--log-level", "LEVEL", "DEBUG, INFO, WARNING or ERROR (INFO)") {
            guard let level = LogLevel(name: $1) else { return false }
            $0.logLevel = level
            return true
        },
        ConfigurationOption("WEBHOOK_LOG_FILE", "--log-file", "PATH", "log file, empty for none (./logs/webhook.log)") {
            $0.logFile = $1
            return true
        },
        ConfigurationOption("WEBHOOK_LOG_FORMAT", "--log-format", "FORMAT", "text or json (text)") {
            guard let format = LogFormat(rawValue: $1.lowercased()) else { return false }
            $0.logFormat = format
            return true
        },
        ConfigurationOption(
            "WEBHOOK_TIMESTAMP_TOLERANCE", "--timestamp-tolerance", "SECONDS",
            "accepted webhook-timestamp skew, 1-86400 (300)"
        ) {
            guard let seconds = Int($1), (1...86_400).contains(seconds) else { return false }
            $0.timestampToleranceSeconds = seconds
            return true
        },
        ConfigurationOption(
            "WEBHOOK_MAX_BODY_BYTES", "--max-body-bytes", "BYTES", "largest accepted body, 1-16777216 (65536)"
        ) {
            guard let bytes = Int($1), (1...16_777_216).contains(bytes) else { return false }
            $0.maximumBodyBytes = bytes
            return true
        },
        ConfigurationOption(
            "WEBHOOK_IDEMPOTENCY_TTL", "--idempotency-ttl", "SECONDS", "how long retries are recognised (86400)"
        ) {
            guard let seconds = Int($1), seconds >= 1 else { return false }
            $0.idempotencyTTLSeconds = seconds
            return true
        },
        ConfigurationOption(
            "WEBHOOK_DEFAULT_RATE", "--default-rate", "PER_SECOND", "default client tokens per second, > 0 (50)"
        ) {
            guard let rate = Double($1), rate > 0, rate.isFinite else { return false }
            $0.defaultRate = rate
            return true
        },
        ConfigurationOption(
            "WEBHOOK_DEFAULT_BURST", "--default-burst", "TOKENS", "default client bucket size, ≥ 1 (100)"
        ) {
            guard let burst = Int($1), burst >= 1 else { return false }
            $0.defaultBurst = burst
            return true
        },
        ConfigurationOption(nil, "--enable-bench-route", "", "serve POST /bench/bare for benchmarks (off)") {
            $0.enablesBenchmarkRoute = true
            return $1.isEmpty
        },
    ]

    init(
        _ environmentVariable: String?, _ flag: String, _ valueName: String, _ help: String,
        apply: @escaping @Sendable (inout GatewayConfiguration, String) -> Bool
    ) {
        self.environmentVariable = environmentVariable
        self.flag = flag
        self.valueName = valueName
        self.help = help
        self.apply = apply
    }

    /// Whether the flag stands alone (takes no value).
    var isSwitch: Bool { valueName.isEmpty }
}
