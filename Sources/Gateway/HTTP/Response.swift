/// An HTTP response as the pipeline produces it.
struct Response: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    /// Whether the adapter must close the connection after sending (e.g. after a framing
    /// violation, when the rest of the byte stream cannot be trusted).
    var closesConnection = false

    init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `json`, with `Content-Type: application/json`.
    static func json(_ status: Int, _ json: JSONValue, headers: HTTPHeaders = HTTPHeaders()) -> Response {
        var response = Response(status: status, headers: headers, body: Array(json.serialized().utf8))
        response.headers.set("Content-Type", "application/json")
        return response
    }
}
