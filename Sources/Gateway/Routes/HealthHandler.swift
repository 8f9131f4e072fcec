import Storage

/// `GET /`: 200 when the store can read and commit right now, 503 otherwise.
struct HealthHandler: Sendable {
    let store: any EventStore

    func respond(_ request: Request, context: RequestContext) async throws -> Response {
        try await store.checkHealth()
        return .json(
            200,
            .object([
                ("status", .string("ok")), ("database", .string("ok")), ("version", .string(GatewayVersion.current)),
            ]))
    }
}

/// The gateway's release version, reported by health and `--version`.
enum GatewayVersion {
    static let current = "0.1.0"
}
