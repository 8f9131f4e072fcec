import Security

/// Requires `Authorization: Bearer <admin token>` with a known, unexpired token.
struct AdminAuthenticationMiddleware: Middleware {
    let credentials: CredentialsProvider
    let time: TimeSource

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        guard let authorization = request.headers["Authorization"],
            authorization.count > 7, authorization.prefix(7).lowercased() == "bearer ",
            credentials.directory.authenticateAdmin(token: String(authorization.dropFirst(7)), at: time.milliseconds)
                != nil
        else { throw SecurityError.invalidAdminToken }
        return try await next(request, context)
    }
}
