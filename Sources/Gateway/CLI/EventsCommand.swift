import Foundation
import Storage

/// `gateway events`: stored events with the API's filters, as a table or JSON lines.
enum EventsCommand {
    static let spec = CommandSpec(
        path: ["events"], summary: "Stored events, newest first.", arguments: [],
        options: [
            .value("--event-type", "TYPE", "only this event type"),
            .value("--appointment-id", "ID", "only this appointment"),
            .value("--patient-id", "ID", "only this patient"),
            .value("--client", "ID", "only this client"),
            .value("--since", "WHEN", "a duration back from now or an ISO 8601 date-time"),
            .value("--until", "WHEN", "exclusive end"), .value("--limit", "N", "at most N events, 1-500 (50)"),
            .flag("--json", "one event object per line, as the API returns it"),
        ], run: run)

    private static func run(_ arguments: ParsedArguments) async -> Int32 {
        let query: AppointmentEventQuery
        do {
            let limit = Int(arguments["--limit"] ?? "50") ?? 0
            guard (1...ListQueryParameters.maximumLimit).contains(limit) else {
                throw UsageError("--limit takes 1-500")
            }
            query = AppointmentEventQuery(
                eventType: arguments["--event-type"], appointmentID: arguments["--appointment-id"],
                patientID: arguments["--patient-id"], clientID: arguments["--client"],
                since: try AuditCommand.instant("--since", arguments),
                until: try AuditCommand.instant("--until", arguments),
                limit: limit)
        } catch {
            return CommandRunner.usage(String(describing: error))
        }
        return await CommandRunner.failing {
            let page = try await AuditCommand.withStore(arguments) { try await $0.events(matching: query) }
            if arguments.has("--json") {
                for event in page.events {
                    CommandOutput.printJSON(EventsHandler.json(event, includingRawPayload: false))
                }
                return
            }
            CommandOutput.printTable(
                header: ["ID", "RECEIVED AT", "EVENT TYPE", "APPOINTMENT", "PATIENT", "CLIENT", "WEBHOOK ID"],
                rows: page.events.map {
                    [
                        String($0.id), $0.event.receivedAt, $0.event.eventType, $0.event.appointmentID,
                        $0.event.patientID,
                        $0.event.clientID ?? "-", $0.event.webhookID ?? "-",
                    ]
                })
        }
    }
}
