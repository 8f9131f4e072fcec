import Security

/// Identifies the client by `X-API-Key` (looked up by SHA-256, compared in constant time),
/// refuses unknown, revoked and expired keys alike, then refuses a disabled client.
struct APIKeyAuthenticationMiddleware: Middleware {
    static let headerName = "X-API-Key"

    let credentials: CredentialsProvider
    let time: TimeSource

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        guard let apiKey = request.headers[Self.headerName], !apiKey.isEmpty else {
            throw SecurityError.missingAPIKey
        }
        switch credentials.directory.authenticate(apiKey: apiKey, at: time.milliseconds) {
        case .invalid(let clientID, let keyID):
            context.trace.identify(clientID: clientID, apiKeyID: keyID)
            throw SecurityError.invalidAPIKey
        case .authenticated(let client, let keyID):
            context.trace.identify(clientID: client.id, apiKeyID: keyID)
            guard !client.isDisabled else { throw SecurityError.clientDisabled }
            var context = context
            context.client = client
            return try await next(request, context)
        }
    }
}
