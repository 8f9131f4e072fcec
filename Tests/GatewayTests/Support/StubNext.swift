@testable import Gateway

/// A `next` for testing one middleware alone: it answers 204 and remembers the context it
/// was given (nil when the middleware stopped the chain).
final class StubNext: @unchecked Sendable {
    // Safe: each test awaits the middleware before reading `reached`.
    var reached: RequestContext?

    var next: Middleware.Next {
        { _, context in
            self.reached = context
            return Response(status: 204)
        }
    }
}
