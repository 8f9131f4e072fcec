import Foundation
import Security

/// The query parameters every admin list shares (`limit`, `cursor`, `since`, `until`),
/// validated all at once; a bad one is 422 `validation_failed` naming it.
struct ListQueryParameters: Sendable, Equatable {
    static let defaultLimit = 50
    static let maximumLimit = 500

    var limit = defaultLimit
    /// Continue below this id (decoded from the opaque cursor).
    var beforeID: Int64?
    /// Inclusive, as a stored UTC millisecond timestamp.
    var since: String?
    /// Exclusive, as a stored UTC millisecond timestamp.
    var until: String?

    /// Parses the shared parameters; `errors` collects problems with these and any others the
    /// caller checks, so one 422 lists them all.
    init(_ request: Request, errors: inout [FieldError]) {
        if let text = request.queryValue("limit") {
            if let value = Int(text), (1...Self.maximumLimit).contains(value) {
                limit = value
            } else {
                errors.append(
                    FieldError(
                        location: ["query", "limit"],
                        message: "limit must be an integer from 1 to \(Self.maximumLimit)", type: "limit_out_of_range"))
            }
        }
        if let text = request.queryValue("cursor") {
            if let id = Self.decodeCursor(text) {
                beforeID = id
            } else {
                errors.append(
                    FieldError(
                        location: ["query", "cursor"],
                        message: "cursor is not one this server issued; pass next_cursor unchanged",
                        type: "cursor_invalid"))
            }
        }
        since = Self.instant("since", request, errors: &errors)
        until = Self.instant("until", request, errors: &errors)
    }

    /// The shared parameters of `request`, or a 422 listing every bad one.
    static func parse(_ request: Request) throws(ValidationError) -> ListQueryParameters {
        var errors: [FieldError] = []
        let parameters = ListQueryParameters(request, errors: &errors)
        if !errors.isEmpty { throw .query(errors) }
        return parameters
    }

    private static func instant(_ name: String, _ request: Request, errors: inout [FieldError]) -> String? {
        guard let text = request.queryValue(name) else { return nil }
        guard let instant = ISO8601DateTime(text) else {
            errors.append(
                FieldError(
                    location: ["query", name],
                    message: "\(name) must be an ISO 8601 date-time with a time zone, e.g. 2026-12-03T16:00:00Z",
                    type: "datetime_format"))
            return nil
        }
        return Timestamp.iso8601UTC(Date(timeIntervalSince1970: Double(instant.millisecondsSince1970) / 1000))
    }

    /// The opaque cursor for "continue below `id`": base64url of `id:<n>`, so clients treat it
    /// as a token rather than a number to do arithmetic on.
    static func encodeCursor(_ id: Int64) -> String {
        Data("id:\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) -> Int64? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard cursor.count <= 64, let data = Data(base64Encoded: base64),
            let text = String(data: data, encoding: .utf8), text.hasPrefix("id:"),
            let id = Int64(text.dropFirst(3)), id > 0
        else { return nil }
        return id
    }
}
