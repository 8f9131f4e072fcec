import Foundation
import Storage
import TestSupport
import Testing

/// The real server over real HTTP on 127.0.0.1 with a real SQLite file.
@Suite("Ingest and admin API over HTTP")
struct EndToEndTests {
    static let validEvent =
        #"{"event_type":"appointment.rescheduled","appointment_id":"apt_1","patient_id":"pat-1","timestamp":"2025-01-10T12:30:00.250-04:00","notes":"Moved to 3pm \u00e9","clinic":{"id":7}}"#

    static func event(_ index: Int, type: String = "appointment.scheduled", patient: String = "pat-1") -> String {
        #"{"event_type":"\#(type)","appointment_id":"apt-\#(index)","patient_id":"\#(patient)","timestamp":"2025-01-10T12:30:00Z"}"#
    }

    static func rowCount(_ gateway: GatewayProcess) throws -> Int64 {
        try SQLiteConnection(path: gateway.databasePath).scalar("SELECT count(*) FROM appointment_events")?.integer
            ?? -1
    }

    @Test func anAcceptedEventIsStoredWithNormalisedFieldsAndTheRawBodyByteForByte() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let response = try TestHTTPClient.postEvent(
            gateway.port, Self.validEvent, headers: [("X-Request-ID", "trace-42"), ("webhook-id", "msg_1")])
        #expect(response.status == 201)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("X-Request-ID") == "trace-42")
        #expect(response.json["status"] as? String == "success")
        #expect(response.json["message"] as? String == "Event received")
        let eventID = try #require(response.json["event_id"] as? Int)
        let row = try #require(
            try SQLiteConnection(path: gateway.databasePath).query(
                """
                SELECT event_type, appointment_id, patient_id, timestamp, notes, raw_payload, request_id, received_at
                FROM appointment_events WHERE id = ?
                """, [.integer(Int64(eventID))]
            ).first)
        #expect(row[0].text == "appointment.rescheduled")
        #expect(row[1].text == "apt_1")
        #expect(row[2].text == "pat-1")
        #expect(row[3].text == "2025-01-10T12:30:00.250-04:00")
        #expect(row[4].text == "Moved to 3pm é")
        #expect(row[5].text == Self.validEvent)
        #expect(row[6].text == "trace-42")
        #expect(
            row[7].text?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil)
    }

    @Test func aRefusalListsEveryFailingFieldInTheContractErrorBody() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let response = try TestHTTPClient.postEvent(
            gateway.port, #"{"event_type":"appointment.moved","appointment_id":42,"timestamp":"2025-01-10T12:30:00"}"#)
        #expect(response.status == 422)
        #expect(response.json["status"] as? String == "error")
        #expect(response.json["code"] as? String == "validation_failed")
        #expect(response.json["request_id"] as? String == response.header("X-Request-ID"))
        let errors = try #require(response.json["errors"] as? [[String: Any]])
        #expect(
            errors.map { $0["loc"] as? [String] ?? [] } == [
                ["body", "event_type"], ["body", "appointment_id"], ["body", "patient_id"], ["body", "timestamp"],
            ])
        #expect(errors.allSatisfy { ($0["msg"] as? String)?.isEmpty == false && $0["type"] is String })
        #expect(try Self.rowCount(gateway) == 0)
    }

    @Test(arguments: ["not json", "[1]", ""])
    func aBodyThatIsNotAJSONObjectIs422(_ body: String) throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let response = try TestHTTPClient.postEvent(gateway.port, body)
        #expect(response.status == 422)
        #expect(response.json["code"] as? String == "validation_failed")
    }

    @Test func anOversizedBodyIs413WithContentLengthAndWhenChunked() throws {
        let gateway = try GatewayProcess(environment: ["WEBHOOK_MAX_BODY_BYTES": "1024"])
        defer { gateway.stop() }
        let big = Array(("{\"notes\":\"" + String(repeating: "x", count: 5000) + "\"}").utf8)
        for chunked in [false, true] {
            let response = try TestHTTPClient.send(
                port: gateway.port, method: "POST", path: "/webhook/appointment",
                headers: [("Content-Type", "application/json")], body: big, chunked: chunked)
            #expect(response.status == 413, "chunked: \(chunked)")
            #expect(response.json["code"] as? String == "payload_too_large")
        }
        // A body exactly at the limit is read and judged on its content.
        let atLimit = Array(String(repeating: " ", count: 1024).utf8)
        let response = try TestHTTPClient.send(
            port: gateway.port, method: "POST", path: "/webhook/appointment",
            headers: [("Content-Type", "application/json")] + TestHTTPClient.credentials(for: atLimit), body: atLimit)
        #expect(response.status == 422)
        #expect(try Self.rowCount(gateway) == 0)
    }

    @Test func onlyJSONContentTypesAreAccepted() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let body = Array(Self.event(1).utf8)
        for contentType in ["text/plain", "application/x-www-form-urlencoded", "application/jsonp"] {
            let response = try TestHTTPClient.send(
                port: gateway.port, method: "POST", path: "/webhook/appointment",
                headers: [("Content-Type", contentType)], body: body)
            #expect(response.status == 415, "\(contentType)")
            #expect(response.json["code"] as? String == "unsupported_media_type")
        }
        let missing = try TestHTTPClient.send(
            port: gateway.port, method: "POST", path: "/webhook/appointment", body: body)
        #expect(missing.status == 415)
        for contentType in ["application/json; charset=utf-8", "Application/JSON"] {
            let response = try TestHTTPClient.send(
                port: gateway.port, method: "POST", path: "/webhook/appointment",
                headers: [("Content-Type", contentType)] + TestHTTPClient.credentials(for: body), body: body)
            #expect(response.status == 201, "\(contentType)")
        }
    }

    @Test func unknownRoutesAre404AndWrongMethodsAre405WithAllow() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let notFound = try TestHTTPClient.send(port: gateway.port, method: "GET", path: "/webhook/nothing")
        #expect(notFound.status == 404)
        #expect(notFound.json["code"] as? String == "not_found")
        #expect(notFound.json["errors"] as? [Any] != nil)
        let wrongMethod = try TestHTTPClient.send(port: gateway.port, method: "GET", path: "/webhook/appointment")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.json["code"] as? String == "method_not_allowed")
        #expect(wrongMethod.header("Allow") == "POST")
        let deleteEvents = try TestHTTPClient.send(port: gateway.port, method: "DELETE", path: "/webhook/events/1")
        #expect(deleteEvents.status == 405)
        #expect(deleteEvents.header("Allow") == "GET")
    }

    @Test func healthReportsTheDatabase() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let response = try TestHTTPClient.send(port: gateway.port, method: "GET", path: "/")
        #expect(response.status == 200)
        #expect(response.json["status"] as? String == "ok")
        #expect(response.json["database"] as? String == "ok")
        #expect(response.json["version"] is String)
    }

    @Test func aReadOnlyDatabaseGives503WithRetryAfterAndRecoversWithoutRestart() throws {
        let first = try GatewayProcess()
        #expect(try TestHTTPClient.postEvent(first.port, Self.event(1)).status == 201)
        #expect(first.stop() == 0)
        let lock = try ReadOnlyFile(path: first.databasePath)
        let gateway = try GatewayProcess(directory: first.directory)
        defer { gateway.stop() }
        let refused = try TestHTTPClient.postEvent(gateway.port, Self.event(2))
        #expect(refused.status == 503)
        #expect(refused.json["code"] as? String == "storage_unavailable")
        #expect(Int(refused.header("Retry-After") ?? "") ?? 0 >= 1)
        #expect(try TestHTTPClient.send(port: gateway.port, method: "GET", path: "/").status == 503)
        try lock.release()
        let accepted = try TestHTTPClient.postEvent(gateway.port, Self.event(3))
        #expect(accepted.status == 201)
        #expect(try TestHTTPClient.send(port: gateway.port, method: "GET", path: "/").status == 200)
        #expect(try Self.rowCount(gateway) == 2)
    }

    @Test func eventPagesWalkEveryRowExactlyOnceNewestFirst() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        for index in 0..<37 {
            let type = index % 3 == 0 ? "appointment.cancelled" : "appointment.scheduled"
            #expect(try TestHTTPClient.postEvent(gateway.port, Self.event(index, type: type)).status == 201)
        }
        var ids: [Int] = []
        var cursor: String?
        var pages = 0
        repeat {
            let query = "/webhook/events?limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try TestHTTPClient.adminGet(gateway.port, query)
            #expect(page.status == 200)
            let events = try #require(page.json["events"] as? [[String: Any]])
            ids += events.compactMap { $0["id"] as? Int }
            cursor = page.json["next_cursor"] as? String
            pages += 1
        } while cursor != nil && pages < 10
        #expect(ids == Array((1...37).reversed()))
        #expect(pages == 4)

        let cancelled = try TestHTTPClient.adminGet(
            gateway.port, "/webhook/events?event_type=appointment.cancelled&limit=500")
        let cancelledEvents = try #require(cancelled.json["events"] as? [[String: Any]])
        #expect(cancelledEvents.count == 13)
        #expect(cancelledEvents.allSatisfy { $0["event_type"] as? String == "appointment.cancelled" })
        #expect(cancelled.json["next_cursor"] is NSNull)

        let byAppointment = try TestHTTPClient.adminGet(gateway.port, "/webhook/events?appointment_id=apt-5")
        #expect(
            (byAppointment.json["events"] as? [[String: Any]])?.map { $0["appointment_id"] as? String } == ["apt-5"])

        let future = try TestHTTPClient.adminGet(gateway.port, "/webhook/events?since=2100-01-01T00:00:00Z")
        #expect((future.json["events"] as? [Any])?.isEmpty == true)
        let past = try TestHTTPClient.adminGet(gateway.port, "/webhook/events?until=2000-01-01T00:00:00%2B00:00")
        #expect((past.json["events"] as? [Any])?.isEmpty == true)
        let window = try TestHTTPClient.adminGet(
            gateway.port, "/webhook/events?since=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z&limit=500")
        #expect((window.json["events"] as? [Any])?.count == 37)
    }

    @Test func oneEventCarriesItsRawPayloadAndMissingOnesAre404() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let created = try TestHTTPClient.postEvent(gateway.port, Self.validEvent)
        let id = try #require(created.json["event_id"] as? Int)
        let detail = try TestHTTPClient.adminGet(gateway.port, "/webhook/events/\(id)")
        #expect(detail.status == 200)
        #expect(detail.json["raw_payload"] as? String == Self.validEvent)
        #expect(detail.json["timestamp"] as? String == "2025-01-10T12:30:00.250-04:00")
        #expect(detail.json["notes"] as? String == "Moved to 3pm é")
        for missing in ["\(id + 1)", "abc", "0", "-1"] {
            let response = try TestHTTPClient.adminGet(gateway.port, "/webhook/events/\(missing)")
            #expect(response.status == 404, "\(missing)")
            #expect(response.json["code"] as? String == "not_found")
        }
    }

    @Test(arguments: [
        "limit=0", "limit=501", "limit=ten", "cursor=bogus", "since=2025-01-10T12:30:00", "until=yesterday",
    ])
    func badListParametersAre422(_ query: String) throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let response = try TestHTTPClient.adminGet(gateway.port, "/webhook/events?\(query)")
        #expect(response.status == 422)
        #expect(response.json["code"] as? String == "validation_failed")
        let parameter = String(query.prefix { $0 != "=" })
        #expect((response.json["errors"] as? [[String: Any]])?.first?["loc"] as? [String] == ["query", parameter])
    }

    @Test func twoHundredConcurrentPostsAreAllStoredExactlyOnce() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let port = gateway.port
        let statuses = concurrently(200) { index in
            (try? TestHTTPClient.postEvent(port, Self.event(index)))?.status ?? 0
        }
        #expect(statuses.allSatisfy { $0 == 201 })
        let connection = try SQLiteConnection(path: gateway.databasePath)
        #expect(try Self.rowCount(gateway) == 200)
        let distinct = try connection.scalar("SELECT count(DISTINCT appointment_id) FROM appointment_events")
        #expect(distinct?.integer == 200)
    }

    @Test func sigtermWhileRequestsAreInFlightLosesNoAcknowledgedEventAndExitsZero() throws {
        let gateway = try GatewayProcess()
        let port = gateway.port
        let pid = gateway.process.processIdentifier
        let outcomes = concurrently(81) { index -> (Int, Int) in
            if index == 80 {
                // Let the senders get going, then ask the server to stop mid-stream.
                usleep(30_000)
                kill(pid, SIGTERM)
                return (-1, -1)
            }
            var acknowledged = (index, 0)
            for attempt in 0..<20 {
                let id = index * 100 + attempt
                guard let response = try? TestHTTPClient.postEvent(port, Self.event(id)) else { break }
                if response.status == 201 { acknowledged = (index, acknowledged.1 + 1) } else { break }
            }
            return acknowledged
        }
        gateway.process.waitUntilExit()
        #expect(gateway.process.terminationStatus == 0)
        let acknowledged = outcomes.filter { $0.0 >= 0 }.reduce(0) { $0 + $1.1 }
        #expect(acknowledged > 0)
        // Every 201 is on disk; nothing unacknowledged needs to be, but nothing is duplicated.
        let connection = try SQLiteConnection(path: gateway.databasePath)
        let rows = try connection.query("SELECT appointment_id FROM appointment_events").compactMap { $0.first?.text }
        #expect(Set(rows).count == rows.count)
        for (index, count) in outcomes where index >= 0 {
            for attempt in 0..<count {
                #expect(rows.contains("apt-\(index * 100 + attempt)"))
            }
        }
        #expect(gateway.consoleOutput.contains("Stopped"))
    }

    @Test func aSendersRequestIDIsEchoedAndOneIsGeneratedOtherwise() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let echoed = try TestHTTPClient.send(
            port: gateway.port, method: "GET", path: "/nowhere", headers: [("X-Request-ID", "abc-123")])
        #expect(echoed.header("X-Request-ID") == "abc-123")
        #expect(echoed.json["request_id"] as? String == "abc-123")
        let generated = try TestHTTPClient.send(port: gateway.port, method: "GET", path: "/")
        #expect(generated.header("X-Request-ID")?.count == 36)
        let hostile = try TestHTTPClient.send(
            port: gateway.port, method: "GET", path: "/",
            headers: [("X-Request-ID", String(repeating: "x", count: 300))])
        #expect(hostile.header("X-Request-ID")?.count == 36)
    }

    @Test func ambiguousFramingIs400AndTheConnectionIsClosed() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let body = Self.event(1)
        let doubleLength =
            "POST /webhook/appointment HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nContent-Length: 2\r\n\r\n\(body)"
        let lengthAndChunked =
            "POST /webhook/appointment HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        for raw in [doubleLength, lengthAndChunked] {
            let response = try TestHTTPClient.exchange(port: gateway.port, raw: Array(raw.utf8))
            #expect(response.status == 400)
            #expect(response.json["code"] as? String == "malformed_request")
            #expect(response.header("Connection")?.lowercased() == "close")
        }
        #expect(try Self.rowCount(gateway) == 0)
    }

    @Test func logsFollowTheSeedFormatAndNeverContainPatientIDsOrBodies() throws {
        let gateway = try GatewayProcess()
        let patient = "patient-ZX81"
        _ = try TestHTTPClient.postEvent(gateway.port, Self.event(1, patient: patient))
        _ = try TestHTTPClient.postEvent(gateway.port, #"{"patient_id":"\#(patient)"}"#)
        gateway.stop()
        let log = try String(contentsOfFile: gateway.logPath, encoding: .utf8)
        let pattern = #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - gateway - (INFO|WARNING|ERROR) - .+$"#
        let lines = log.split(separator: "\n")
        #expect(lines.allSatisfy { String($0).range(of: pattern, options: .regularExpression) != nil })
        #expect(lines.contains { $0.contains("INFO - Event received (event_id=1") })
        #expect(lines.contains { $0.contains("WARNING - Request refused (status=422, code=validation_failed") })
        #expect(!log.contains(patient))
        #expect(!gateway.consoleOutput.contains(patient))
    }

    @Test func jsonLogsCarryTheRequestID() throws {
        let gateway = try GatewayProcess(environment: ["WEBHOOK_LOG_FORMAT": "json"])
        _ = try TestHTTPClient.postEvent(gateway.port, Self.event(1), headers: [("X-Request-ID", "json-trace")])
        gateway.stop()
        let lines = try String(contentsOfFile: gateway.logPath, encoding: .utf8).split(separator: "\n")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count)
        let received = try #require(objects.first { ($0["message"] as? String)?.hasPrefix("Event received") == true })
        #expect(received["request_id"] as? String == "json-trace")
        #expect(received["level"] as? String == "INFO")
        #expect(received["logger"] as? String == "gateway")
        #expect(received["time"] is String)
    }
}
