import Foundation
import Testing

@testable import Gateway

@Suite("Strict JSON scanning of request bodies")
struct JSONScannerTests {
    static func scan(_ text: String) throws(JSONScanner.Failure) -> [String: JSONScanner.Member] {
        try JSONScanner.members(of: Array(text.utf8))
    }

    @Test func membersAreStringsNullsOrOtherKinds() throws {
        let members = try Self.scan(
            #" { "a" : "x", "b": null, "c": 1.5e-3, "d": [1, {"e": []}], "f": {"g": true}, "h": false, "i": -0 } "#)
        #expect(members["a"] == .string("x"))
        #expect(members["b"] == .null)
        #expect(members["c"] == .other("number"))
        #expect(members["d"] == .other("array"))
        #expect(members["f"] == .other("object"))
        #expect(members["h"] == .other("boolean"))
        #expect(members["i"] == .other("number"))
        #expect(try Self.scan("{}").isEmpty)
    }

    @Test func escapesAreDecoded() throws {
        let members = try Self.scan(#"{"s": "q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00", "k\u0041": "é"}"#)
        #expect(members["s"] == .string("q\"b\\s/n\nt\tué😀"))
        #expect(members["kA"] == .string("é"))
    }

    @Test func theLastOfDuplicateKeysWins() throws {
        #expect(try Self.scan(#"{"a": "1", "a": "2"}"#)["a"] == .string("2"))
    }

    @Test(arguments: [
        "", " ", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
        "{\"a\":+1}", "{\"a\":tru}", "{\"a\":\"x\ny\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\udc00\"}",
        "{\"a\":1} x", "{\"a\":[1,]}", "{\"a\":NaN}", "{\"a\":1e}", "{a:1}", "[1,2", "nul",
    ])
    func malformedDocumentsAreInvalid(_ text: String) {
        #expect(throws: JSONScanner.Failure.invalid) { try Self.scan(text) }
    }

    @Test(arguments: ["[1,2]", "\"text\"", "42", "null", "true", " [ ] "])
    func validNonObjectsAreNotAnObject(_ text: String) {
        #expect(throws: JSONScanner.Failure.notAnObject) { try Self.scan(text) }
    }

    @Test func deepNestingIsRefusedWithoutExhaustingTheStack() throws {
        let deep = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: JSONScanner.Failure.invalid) { try Self.scan(deep) }
        let allowed = "{\"a\":" + String(repeating: "[", count: 60) + String(repeating: "]", count: 60) + "}"
        #expect(try Self.scan(allowed)["a"] == .other("array"))
    }

    @Test func itAgreesWithFoundationOnWhatIsValid() throws {
        let documents = [
            #"{"event_type":"appointment.scheduled","n":[1,2,{"x":null}],"s":"\u2028"}"#, #"{"a":1E+2,"b":-0.0e-0}"#,
            #"{"a":"\\"}"#, "{\"a\":\"tab\there\"}",
        ]
        for document in documents {
            let foundation = (try? JSONSerialization.jsonObject(with: Data(document.utf8))) != nil
            let ours = (try? Self.scan(document)) != nil
            #expect(foundation == ours, "\(document)")
        }
    }
}
