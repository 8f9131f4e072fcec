/// An HTTP request as the pipeline sees it: a value, complete with its body.
struct Request: Sendable {
    var method: String
    /// The path without the query string, e.g. `/webhook/events/42`.
    var path: String
    /// Query parameters in order, already percent-decoded.
    var query: [(name: String, value: String)]
    var headers: HTTPHeaders
    /// The exact body bytes; empty when the body was refused for its size.
    var body: [UInt8]
    /// The client's numeric IP address.
    var remoteAddress: String
    /// Set by the HTTP adapter when the body exceeded the limit; the body was not kept.
    var bodyExceededLimit = false
    /// Set by the HTTP adapter when the framing is ambiguous (several Content-Length fields,
    /// or Content-Length together with Transfer-Encoding); the reason says which.
    var framingViolation: String?

    init(
        method: String, path: String, query: [(name: String, value: String)] = [], headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [], remoteAddress: String = "127.0.0.1"
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The first value of the query parameter `name`, or nil.
    func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}
