/// A strict RFC 8259 parser for request bodies, written for the one shape the gateway reads:
/// a top-level object whose members are strings, nulls or anything else.
///
/// Nested values are checked for syntax and skipped rather than built, so parsing a body
/// allocates little; Foundation's `JSONSerialization` builds every value and bridges numbers.
/// Nesting deeper than `maximumDepth` is refused, so a hostile body cannot exhaust the stack.
struct JSONScanner {
    /// A top-level member's value as far as validation cares.
    enum Member: Equatable {
        case string(String)
        case null
        /// Any other JSON value; the name is its kind (`number`, `boolean`, `array`, `object`).
        case other(String)
    }

    /// Why a body is not JSON, or not an object.
    enum Failure: Error, Equatable {
        case invalid
        case notAnObject
    }

    static let maximumDepth = 64

    private let bytes: [UInt8]
    private var position = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The members of the top-level object in `bytes` (UTF-8); the last of duplicate keys wins.
    static func members(of bytes: [UInt8]) throws(Failure) -> [String: Member] {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else {
            // Distinguish valid non-object JSON (e.g. an array) from garbage.
            try scanner.skipValue(depth: 0)
            scanner.skipWhitespace()
            guard scanner.isAtEnd else { throw .invalid }
            throw .notAnObject
        }
        scanner.position += 1
        var members: [String: Member] = [:]
        scanner.skipWhitespace()
        if scanner.peek() == UInt8(ascii: "}") {
            scanner.position += 1
        } else {
            while true {
                scanner.skipWhitespace()
                let key = try scanner.string()
                scanner.skipWhitespace()
                try scanner.expect(":")
                scanner.skipWhitespace()
                members[key] = try scanner.member()
                scanner.skipWhitespace()
                if scanner.consume(",") { continue }
                try scanner.expect("}")
                break
            }
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw .invalid }
        return members
    }

    private var isAtEnd: Bool { position >= bytes.count }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func consume(_ character: Unicode.Scalar) -> Bool {
        guard peek() == UInt8(character.value) else { return false }
        position += 1
        return true
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(Failure) {
        guard consume(character) else { throw .invalid }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private mutating func member() throws(Failure) -> Member {
        switch peek() {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            try skipValue(depth: 1)
            return .other("boolean")
        case UInt8(ascii: "["):
            try skipValue(depth: 1)
            return .other("array")
        case UInt8(ascii: "{"):
            try skipValue(depth: 1)
            return .other("object")
        default:
            try number()
            return .other("number")
        }
    }

    /// Checks and skips any value.
    private mutating func skipValue(depth: Int) throws(Failure) {
        guard depth < Self.maximumDepth else { throw .invalid }
        switch peek() {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            if consume("]") { return }
            while true {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if consume(",") { continue }
                try expect("]")
                return
            }
        case UInt8(ascii: "{"):
            position += 1
            skipWhitespace()
            if consume("}") { return }
            while true {
                skipWhitespace()
                _ = try string()
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if consume(",") { continue }
                try expect("}")
                return
            }
        default: try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + text.count <= bytes.count, bytes[position..<position + text.count].elementsEqual(text) else {
            throw .invalid
        }
        position += text.count
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func number() throws(Failure) {
        _ = consume("-")
        guard let first = peek(), isDigit(first) else { throw .invalid }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if consume(".") { try requireDigits() }
        if consume("e") || consume("E") {
            if !consume("+") { _ = consume("-") }
            try requireDigits()
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }

    private mutating func skipDigits() { while let byte = peek(), isDigit(byte) { position += 1 } }

    private mutating func requireDigits() throws(Failure) {
        guard let byte = peek(), isDigit(byte) else { throw .invalid }
        skipDigits()
    }

    /// A string literal, unescaped. The body was already checked to be UTF-8.
    private mutating func string() throws(Failure) -> String {
        try expect("\"")
        let start = position
        // Fast path: no escapes.
        while let byte = peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw .invalid }
            position += 1
        }
        if consume("\"") { return String(decoding: bytes[start..<position - 1], as: UTF8.self) }
        var decoded = Array(bytes[start..<position])
        while true {
            guard let byte = peek() else { throw .invalid }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { throw .invalid }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escaped)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"): decoded.append(contentsOf: try unicodeEscape())
                default: throw .invalid
                }
            case 0..<0x20:
                throw .invalid
            default:
                decoded.append(byte)
            }
        }
    }

    /// The UTF-8 bytes of a `\uXXXX` escape (after the `u`), joining surrogate pairs.
    private mutating func unicodeEscape() throws(Failure) -> [UInt8] {
        var value = try hexQuad()
        if (0xD800...0xDBFF).contains(value) {
            guard consume("\\"), consume("u") else { throw .invalid }
            let low = try hexQuad()
            guard (0xDC00...0xDFFF).contains(low) else { throw .invalid }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(value) {
            throw .invalid
        }
        guard let scalar = Unicode.Scalar(value) else { throw .invalid }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw .invalid }
        var value: UInt32 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 65...70: digit = byte - 55
            case 97...102: digit = byte - 87
            default: throw .invalid
            }
            value = value << 4 | UInt32(digit)
        }
        position += 4
        return value
    }
}
