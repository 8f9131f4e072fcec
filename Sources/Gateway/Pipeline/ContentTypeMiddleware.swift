import Foundation

/// Accepts only `application/json` bodies (parameters such as `; charset=utf-8` allowed,
/// the media type compared case-insensitively); anything else is 415.
struct ContentTypeMiddleware: Middleware {
    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        guard let contentType = request.headers["Content-Type"], Self.isJSON(contentType) else {
            throw GatewayError.unsupportedMediaType
        }
        return try await next(request, context)
    }

    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).caseInsensitiveEquals("application/json")
    }
}
