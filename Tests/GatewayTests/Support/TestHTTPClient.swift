import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A response as read off the wire.
struct TestResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }
}

enum TestHTTPError: Error {
    case connectFailed(Int32)
    case noResponse
}

/// A deliberately small HTTP/1.1 client over a blocking POSIX socket, so tests control every
/// byte sent (duplicate headers, chunked bodies) and read exactly what the server answered.
enum TestHTTPClient {
    /// Sends `raw` bytes to 127.0.0.1:`port` and reads the response until the server closes or
    /// the declared Content-Length is complete.
    static func exchange(port: Int, raw: [UInt8], timeoutSeconds: Int = 10) throws -> TestResponse {
        guard let connection = RawConnection(port: port) else { throw TestHTTPError.connectFailed(errno) }
        let descriptor = connection.descriptor
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // The server may refuse early and close; its answer is read all the same.
        _ = connection.write(raw)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
            if let response = parse(received), response.isComplete { return response.response }
        }
        guard let response = parse(received) else { throw TestHTTPError.noResponse }
        return response.response
    }

    /// Builds and sends one request with `Connection: close`.
    static func send(
        port: Int, method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = [],
        chunked: Bool = false
    ) throws -> TestResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        var raw: [UInt8]
        if chunked {
            head += "Transfer-Encoding: chunked\r\n\r\n"
            raw = Array(head.utf8)
            var offset = 0
            while offset < body.count {
                let chunk = body[offset..<min(offset + 8192, body.count)]
                raw += Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Array("\r\n".utf8)
                offset += chunk.count
            }
            raw += Array("0\r\n\r\n".utf8)
        } else {
            if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
            raw = Array((head + "\r\n").utf8) + body
        }
        return try exchange(port: port, raw: raw)
    }

    /// POSTs `json` to the ingest route as `application/json`, signed for the test client
    /// with a fresh webhook-id unless `headers` brings its own signature headers.
    static func postEvent(
        _ port: Int, _ json: String, headers: [(String, String)] = [], apiKey: String = TestCredentials.apiKey,
        signed: Bool = true
    ) throws -> TestResponse {
        let body = Array(json.utf8)
        var all = [("Content-Type", "application/json"), ("X-API-Key", apiKey)]
        if signed, !headers.contains(where: { $0.0.lowercased() == "webhook-signature" }) {
            let id = headers.first { $0.0.lowercased() == "webhook-id" }?.1
            all += TestCredentials.signatureHeaders(body: body, id: id ?? "msg_\(UUID().uuidString.prefix(8))")
                .filter { header in !headers.contains { $0.0.lowercased() == header.0 } }
        }
        return try send(port: port, method: "POST", path: "/webhook/appointment", headers: all + headers, body: body)
    }

    /// POSTs exactly `body` as `application/json` to the ingest route with `apiKey` and the
    /// given Standard Webhooks headers (the caller signs, so it controls id and timestamp).
    static func postSigned(
        _ port: Int, body: [UInt8], signature: [(String, String)], apiKey: String = TestCredentials.apiKey
    ) throws -> TestResponse {
        try send(
            port: port, method: "POST", path: "/webhook/appointment",
            headers: [("Content-Type", "application/json"), ("X-API-Key", apiKey)] + signature, body: body)
    }

    /// `X-API-Key` and fresh Standard Webhooks headers of the test client for `body`.
    static func credentials(for body: [UInt8]) -> [(String, String)] {
        [("X-API-Key", TestCredentials.apiKey)] + TestCredentials.signatureHeaders(body: body)
    }

    /// GETs an admin route with the test admin token.
    static func adminGet(_ port: Int, _ path: String, token: String = TestCredentials.adminToken) throws -> TestResponse
    {
        try send(port: port, method: "GET", path: path, headers: [("Authorization", "Bearer \(token)")])
    }

    private static func parse(_ bytes: [UInt8]) -> (response: TestResponse, isComplete: Bool)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.firstRange(of: separator) else { return nil }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let body = Array(bytes[end.upperBound...])
        let response = TestResponse(status: status, headers: headers, body: body)
        if let length = response.header("Content-Length").flatMap(Int.init) {
            return (
                TestResponse(status: status, headers: headers, body: Array(body.prefix(length))), body.count >= length
            )
        }
        return (response, false)
    }
}

/// Runs `body` on `count` threads at once and returns their results in index order.
func concurrently<Result: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> Result) -> [Result] {
    let results = ConcurrentResults<Result>(count: count)
    let group = DispatchGroup()
    let lock = NSLock()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            let value = body(index)
            lock.withLock { results.values[index] = value }
            group.leave()
        }
        thread.stackSize = 256 * 1024
        thread.start()
    }
    group.wait()
    return results.values.map { $0! }
}

/// Result slots for `concurrently`.
private final class ConcurrentResults<Value>: @unchecked Sendable {
    // Safe: each index is written by exactly one thread under a lock, and read after all finish.
    var values: [Value?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
}

/// A connected socket to the gateway, closed on deinit.
final class RawConnection: @unchecked Sendable {
    // Safe: each connection is used by one thread at a time.
    let descriptor: Int32

    init?(port: Int) {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if connected != 0 {
            close(descriptor)
            return nil
        }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends all of `bytes`; false once the server has closed the connection.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count <= 0 { return false }
            sent += count
        }
        return true
    }

    deinit { close(descriptor) }
}
