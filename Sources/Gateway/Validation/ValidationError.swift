/// One failing field: where it is, what is wrong, and a machine-readable kind.
///
/// The shape follows the seed's (Pydantic's) `{"loc": [...], "msg": "...", "type": "..."}`.
/// Messages name the rule, never the value sent, since values may be patient data.
struct FieldError: Sendable, Equatable {
    var location: [String]
    var message: String
    var type: String

    var json: JSONValue {
        .object([
            ("loc", .array(location.map(JSONValue.string))), ("msg", .string(message)), ("type", .string(type)),
        ])
    }
}

/// Why a request's content was refused: every failing field at once.
enum ValidationError: Error, Sendable, Equatable {
    /// The body is not JSON, not an object, or fails the event schema.
    case body([FieldError])
    /// A query parameter is out of range or malformed.
    case query([FieldError])

    var fieldErrors: [FieldError] {
        switch self {
        case .body(let errors), .query(let errors): errors
        }
    }
}
