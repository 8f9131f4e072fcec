/// HTTP header fields in arrival order, looked up case-insensitively.
struct HTTPHeaders: Sendable, Equatable {
    private(set) var fields: [(name: String, value: String)] = []

    init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The first value of the field `name` (any case), or nil when absent.
    subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Every value of the field `name` (any case), in arrival order.
    func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    /// Adds a field, keeping any existing ones of the same name.
    mutating func add(_ name: String, _ value: String) {
        fields.append((name, value))
    }

    /// Replaces every field `name` with one holding `value`.
    mutating func set(_ name: String, _ value: String) {
        fields.removeAll { $0.name.caseInsensitiveEquals(name) }
        fields.append((name, value))
    }
}

extension String {
    /// ASCII case-insensitive equality, as header names and media types are compared.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        // Most header names differ in length; that check is O(1) for native strings.
        utf8.count == other.utf8.count
            && utf8.elementsEqual(other.utf8) { asciiLowercase($0) == asciiLowercase($1) }
    }
}

private func asciiLowercase(_ byte: UInt8) -> UInt8 {
    (byte >= 65 && byte <= 90) ? byte + 32 : byte
}
