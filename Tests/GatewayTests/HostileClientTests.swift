import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Slow and hostile clients all at once, while a well-behaved partner keeps sending: it is
/// served throughout with normal latency, and the server's memory stays bounded.
@Suite("Slow and hostile clients")
struct HostileClientTests {
    static func residentMegabytes(_ pid: Int32) -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
    }

    @Test func aWellBehavedPartnerIsServedWhileHostileClientsAttack() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let port = gateway.port
        let attackSeconds = 6.0
        let deadline = Date().addingTimeInterval(attackSeconds)

        // 500 idle connections.
        let idle = (0..<500).compactMap { _ in RawConnection(port: port) }
        #expect(idle.count == 500)

        let done = DispatchGroup()
        let results = HostileResults()
        func attack(_ name: String, _ body: @escaping @Sendable () -> Void) {
            done.enter()
            Thread {
                body()
                done.leave()
            }.start()
        }
        attack("one byte per second") {
            guard let connection = RawConnection(port: port) else { return }
            for byte in Array("POST /webhook/appointment HTTP/1.1\r\nHost: x\r\n".utf8) {
                if Date() > deadline || !connection.write([byte]) { break }
                sleep(1)
            }
        }
        attack("10 MB body") {
            let response = try? TestHTTPClient.send(
                port: port, method: "POST", path: "/webhook/appointment",
                headers: [("Content-Type", "application/json")], body: Array(repeating: 0x61, count: 10 << 20))
            results.record("10 MB body", response?.status ?? 0)
        }
        attack("100 KB of headers") {
            let headers = (0..<100).map { ("X-Filler-\($0)", String(repeating: "h", count: 1000)) }
            let response = try? TestHTTPClient.send(port: port, method: "GET", path: "/", headers: headers)
            results.record("100 KB of headers", response?.status ?? 0)
        }
        attack("endless chunked body") {
            guard let connection = RawConnection(port: port) else { return }
            connection.write(
                Array(
                    "POST /webhook/appointment HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .utf8))
            let chunk = Array("2000\r\n".utf8) + Array(repeating: 0x61, count: 0x2000) + Array("\r\n".utf8)
            var sentBytes = 0
            while Date() < deadline, connection.write(chunk) { sentBytes += chunk.count }
            // The server stops reading after the limit plus its discard allowance and drops us.
            results.record("endless chunked body closed", Date() < deadline ? 1 : 0)
            results.record("endless chunked bytes accepted", sentBytes)
        }

        // Meanwhile a partner sends a signed event every 100 ms.
        var latencies: [Double] = []
        var statuses: [Int] = []
        var index = 0
        while Date() < deadline {
            let started = Date()
            let status =
                (try? TestHTTPClient.postEvent(
                    port,
                    #"{"event_type":"appointment.scheduled","appointment_id":"apt-\#(index)","patient_id":"p","timestamp":"2025-01-10T12:30:00Z"}"#
                ))?.status ?? 0
            latencies.append(Date().timeIntervalSince(started))
            statuses.append(status)
            index += 1
            usleep(100_000)
        }
        done.wait()
        let memory = Self.residentMegabytes(gateway.process.processIdentifier)
        withExtendedLifetime(idle) {}

        #expect(statuses.count >= 20)
        #expect(statuses.allSatisfy { $0 == 201 }, "\(statuses)")
        #expect((latencies.max() ?? 99) < 2.0, "slowest partner request: \(latencies.max() ?? 0) s")
        #expect(results.value("10 MB body") == 413)
        #expect([0, 413, 431].contains(results.value("100 KB of headers")))
        #expect(results.value("endless chunked body closed") == 1)
        #expect(results.value("endless chunked bytes accepted") < 8 << 20)
        #expect(memory > 0 && memory < 150, "server RSS \(memory) MB")
        #expect(gateway.process.isRunning)
    }
}

/// Outcomes reported by the attacking threads.
final class HostileResults: @unchecked Sendable {
    // Safe: only touched under `lock`.
    private let lock = NSLock()
    private var values: [String: Int] = [:]

    func record(_ name: String, _ value: Int) { lock.withLock { values[name] = value } }

    func value(_ name: String) -> Int { lock.withLock { values[name] ?? -1 } }
}
