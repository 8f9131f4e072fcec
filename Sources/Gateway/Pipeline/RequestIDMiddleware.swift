import Security

/// First stage: settles the request's correlation id and echoes it on every response,
/// together with any headers a later stage asked every answer to carry.
///
/// A sender's `X-Request-ID` is kept when it is 1-128 visible ASCII characters; anything
/// else is replaced by a generated UUID, so a hostile value never reaches logs or headers.
struct RequestIDMiddleware: Middleware {
    static let headerName = "X-Request-ID"

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        let requestID = request.headers[Self.headerName].flatMap(Self.accepted) ?? Self.generate()
        var context = context
        context.requestID = requestID
        context.logger = context.logger.forRequest(requestID)
        var response = try await next(request, context)
        for (name, value) in context.trace.responseHeaders.fields { response.headers.set(name, value) }
        response.headers.set(Self.headerName, requestID)
        return response
    }

    /// A random (version 4) UUID in lowercase. Foundation's `UUID()` opens and reads
    /// /dev/urandom on every call on Linux, measurable at thousands of requests a second.
    static func generate() -> String {
        var bytes = SecureRandom.bytes(count: 16)
        bytes[6] = (bytes[6] & 0x0f) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3f) | 0x80  // RFC 4122 variant
        let hex = Array(Hex.encode(bytes).utf8)
        let groups = [hex[0..<8], hex[8..<12], hex[12..<16], hex[16..<20], hex[20..<32]]
        return groups.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "-")
    }

    private static func accepted(_ candidate: String) -> String? {
        let bytes = candidate.utf8
        guard (1...128).contains(bytes.count), bytes.allSatisfy({ (0x21...0x7e).contains($0) }) else { return nil }
        return candidate
    }
}
