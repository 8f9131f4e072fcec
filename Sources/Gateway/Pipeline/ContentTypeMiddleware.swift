/// Accepts only `application/json` bodies (parameters such as `; charset=utf-8` allowed,
/// the media type compared case-insensitively); anything else is 415.
struct ContentTypeMiddleware: Middleware {
    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        guard let contentType = request.headers["Content-Type"], Self.isJSON(contentType) else {
            throw GatewayError.unsupportedMediaType
        }
        return try await next(request, context)
    }

    /// Whether the media type (before any `;` parameters, spaces trimmed) is `application/json`
    /// in any case. Compared on bytes: this runs on every request.
    static func isJSON(_ contentType: String) -> Bool {
        let bytes = contentType.utf8
        let end = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
        var mediaType = bytes[bytes.startIndex..<end]
        while let first = mediaType.first, first == 32 || first == 9 { mediaType = mediaType.dropFirst() }
        while let last = mediaType.last, last == 32 || last == 9 { mediaType = mediaType.dropLast() }
        return mediaType.elementsEqual("application/json".utf8) { ((65...90).contains($0) ? $0 + 32 : $0) == $1 }
    }
}
