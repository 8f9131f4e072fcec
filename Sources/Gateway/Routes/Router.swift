/// Which kind of route a path belongs to, which decides what the audit records.
enum RouteKind: Sendable {
    case ingest
    case admin
    case other
}

/// Chooses the route for a request by path and method.
///
/// Paths are matched segment by segment; a `{name}` segment captures any single segment.
/// A path that matches with another method is 405 (with `Allow`); no match is 404.
struct Router: Sendable {
    /// One endpoint: its method, path pattern, kind (which decides auditing), and its chain.
    struct Route: Sendable {
        let method: String
        let pattern: [String]
        let kind: RouteKind
        let responder: Middleware.Next

        init(
            _ method: String, _ path: String, kind: RouteKind = .other,
            responder: @escaping Middleware.Next
        ) {
            self.method = method
            self.pattern = Router.segments(path)
            self.kind = kind
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
    /// Answers unknown paths under `/admin/`: 401 without a valid token, 404 with one.
    let adminFallback: Middleware.Next?

    init(routes: [Route], adminFallback: Middleware.Next? = nil) {
        self.routes = routes
        self.adminFallback = adminFallback
    }

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
        if allowed.isEmpty {
            if let adminFallback, segments.first == "admin" {
                return try await adminFallback(request, context)
            }
            throw GatewayError.notFound
        }
        throw GatewayError.methodNotAllowed(allowed: allowed)
    }

    /// The kind of route `path` belongs to, whatever the method: the audit needs it for every
    /// refusal, including those made before routing (e.g. HTTP framing).
    func kind(of path: String) -> RouteKind {
        let segments = Router.segments(path)
        if let route = routes.first(where: { $0.captures(segments) != nil }) { return route.kind }
        return adminFallback != nil && segments.first == "admin" ? .admin : .other
    }

    static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
