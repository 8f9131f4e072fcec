/// Chooses the route for a request by path and method.
///
/// Paths are matched segment by segment; a `{name}` segment captures any single segment.
/// A path that matches with another method is 405 (with `Allow`); no match is 404.
struct Router: Sendable {
    /// One endpoint: its method, path pattern, whether it needs an admin token, and its chain.
    struct Route: Sendable {
        let method: String
        let pattern: [String]
        /// Admin routes will require `Authorization: Bearer <admin token>` (security stage).
        let isAdmin: Bool
        let responder: Middleware.Next

        init(_ method: String, _ path: String, isAdmin: Bool = false, responder: @escaping Middleware.Next) {
            self.method = method
            self.pattern = Router.segments(path)
            self.isAdmin = isAdmin
            self.responder = responder
        }

        /// The captured `{…}` segments when `segments` matches the pattern, else nil.
        func captures(_ segments: [String]) -> [String]? {
            guard segments.count == pattern.count else { return nil }
            var captured: [String] = []
            for (expected, actual) in zip(pattern, segments) {
                if expected.hasPrefix("{") {
                    captured.append(actual)
                } else if expected != actual {
                    return nil
                }
            }
            return captured
        }
    }

    let routes: [Route]

    /// Runs the matching route's chain with its captured path parameters in the context.
    func respond(_ request: Request, context: RequestContext) async throws -> Response {
        let segments = Router.segments(request.path)
        var allowed: [String] = []
        for route in routes {
            guard let captured = route.captures(segments) else { continue }
            if route.method == request.method {
                var context = context
                context.pathParameters = captured
                return try await route.responder(request, context)
            }
            allowed.append(route.method)
        }
        if allowed.isEmpty { throw GatewayError.notFound }
        throw GatewayError.methodNotAllowed(allowed: allowed)
    }

    static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
