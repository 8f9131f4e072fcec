import Foundation
import Testing

@testable import Gateway

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTP adapter alone, on 127.0.0.1, with a trivial responder.
@Suite("HTTP adapter")
struct HTTPServerTests {
    static func server(bodyDeadline: Double) throws -> HTTPServer {
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, maximumBodyBytes: 1024)
        configuration.bodyDeadlineSeconds = bodyDeadline
        return try HTTPServer(configuration: configuration) { request in
            Response(status: 200, body: Array("got \(request.body.count)".utf8))
        }
    }

    @Test func aBodyTrickledSlowerThanTheDeadlineIsCutOff() async throws {
        let server = try Self.server(bodyDeadline: 1)
        let connection = try #require(RawConnection(port: server.port))
        #expect(connection.write(Array("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n".utf8)))
        let started = Date()
        var closed = false
        // One byte every 200 ms: never silent long enough for the idle timeout, but the whole
        // body would take 20 s. The server closes the connection (recv sees end of stream).
        while !closed, Date().timeIntervalSince(started) < 10 {
            _ = connection.write([0x61])
            usleep(200_000)
            var byte: UInt8 = 0
            closed = recv(connection.descriptor, &byte, 1, Int32(MSG_DONTWAIT)) == 0
        }
        #expect(closed)
        #expect(Date().timeIntervalSince(started) < 8)
        await server.shutdown()
    }

    @Test func invalidHostsAreRefusedWithAClearError() {
        #expect(throws: HTTPServerError.self) {
            try HTTPServer(configuration: .init(host: "localhost", port: 0, maximumBodyBytes: 1)) { _ in
                Response(status: 200)
            }
        }
    }
}
