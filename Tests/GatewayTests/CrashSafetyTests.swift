import Foundation
import Storage
import TestSupport
import Testing

/// SIGKILL at random moments while a sender posts continuously and retries every message that
/// got no answer (re-signed, same webhook-id): nothing acknowledged is lost, nothing is stored
/// twice, and the database stays intact. `GATEWAY_CRASH_KILLS` sets the number of kills (the
/// long form, `bench/crash.sh`, uses 20).
@Suite("Crash safety")
struct CrashSafetyTests {
    /// The port of the gateway currently running (it changes with every restart).
    final class CurrentPort: @unchecked Sendable {
        // Safe: only touched under `lock`.
        private let lock = NSLock()
        private var port = 0
        var value: Int {
            get { lock.withLock { port } }
            set { lock.withLock { port = newValue } }
        }
    }

    static func body(_ message: Int) -> [UInt8] {
        Array(
            #"{"event_type":"appointment.scheduled","appointment_id":"apt-\#(message)","patient_id":"p","timestamp":"2025-01-10T12:30:00Z"}"#
                .utf8)
    }

    @Test func killedAtRandomTheGatewayLosesAndDuplicatesNothing() throws {
        let kills = Int(ProcessInfo.processInfo.environment["GATEWAY_CRASH_KILLS"] ?? "") ?? 5
        let messages = 60 * kills
        let senders = 4
        var gateway = try GatewayProcess()
        let directory = gateway.directory
        let port = CurrentPort()
        port.value = gateway.port
        let finished = DispatchSemaphore(value: 0)
        let acknowledged = AcknowledgedMessages()
        for sender in 0..<senders {
            Thread {
                for message in stride(from: sender, to: messages, by: senders) {
                    var attempt = 0
                    // Retry until the gateway answers for the message: stored (201), answered from
                    // the idempotency record (201 replayed), or the exact attempt already seen (409).
                    while true {
                        attempt += 1
                        let signature = TestCredentials.signatureHeaders(
                            body: Self.body(message), id: "msg_crash_\(message)",
                            timestamp: Int(Date().timeIntervalSince1970) + attempt)
                        let response = try? TestHTTPClient.postSigned(
                            port.value, body: Self.body(message), signature: signature)
                        if let response, response.status == 201 || response.status == 409 {
                            acknowledged.record(message, status: response.status)
                            break
                        }
                        usleep(20_000)
                    }
                }
                finished.signal()
            }.start()
        }
        for _ in 0..<kills {
            usleep(UInt32.random(in: 100_000...400_000))
            gateway.kill()
            gateway = try GatewayProcess(directory: directory)
            port.value = gateway.port
        }
        for _ in 0..<senders { finished.wait() }
        #expect(gateway.stop() == 0)

        let connection = try SQLiteConnection(path: gateway.databasePath)
        #expect(try connection.scalar("PRAGMA integrity_check")?.text == "ok")
        let stored = try connection.query(
            "SELECT appointment_id, count(*) FROM appointment_events GROUP BY appointment_id")
        #expect(stored.allSatisfy { $0[1].integer == 1 }, "a message stored twice")
        let storedIDs = Set(stored.compactMap { $0[0].text })
        #expect(storedIDs == Set((0..<messages).map { "apt-\($0)" }), "every message stored once after retries")
        #expect(acknowledged.count == messages)
    }
}

/// Messages that got an acknowledging answer, recorded by the sender threads.
final class AcknowledgedMessages: @unchecked Sendable {
    // Safe: only touched under `lock`.
    private let lock = NSLock()
    private var statuses: [Int: Int] = [:]

    func record(_ message: Int, status: Int) { lock.withLock { statuses[message] = status } }

    var count: Int { lock.withLock { statuses.count } }
}
