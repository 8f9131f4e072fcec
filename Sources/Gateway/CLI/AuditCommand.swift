import Foundation
import Security
import Storage

/// `gateway audit ...`: the rejection audit for security reviewers.
enum AuditCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["audit"], summary: "Refused requests, newest first: a table, or one JSON record per line.",
            arguments: [],
            options: [
                .value("--since", "WHEN", "a duration back from now (24h) or an ISO 8601 date-time"),
                .value("--until", "WHEN", "a duration back from now or an ISO 8601 date-time (exclusive)"),
                .value("--code", "CODE", "only this refusal code"), .value("--reason", "CODE", "same as --code"),
                .value("--client", "ID", "only this client"), .value("--limit", "N", "at most N records, 1-500 (50)"),
                .flag("--json", "one §4 record per line"),
            ], run: list),
        CommandSpec(
            path: ["audit", "summary"], summary: "Refusal counts by code and by client.", arguments: [],
            options: [
                .value("--since", "WHEN", "a duration back from now or an ISO 8601 date-time"),
                .value("--until", "WHEN", "exclusive end"), .flag("--json", "the summary as one JSON object"),
            ], run: summary),
        CommandSpec(
            path: ["audit", "verify"],
            summary: "Recompute the hash chain: exit 0 when intact, exit 1 naming the first bad record.",
            arguments: [], options: [], run: verify),
    ]

    /// Runs `body` with the store at `--db` (opened without a server), then closes it.
    static func withStore<Result>(
        _ arguments: ParsedArguments, _ body: (SQLiteEventStore) async throws -> Result
    ) async throws -> Result {
        let store = try SQLiteEventStore(
            configuration: .init(path: arguments.databasePath), hasher: { SHA256.hexDigest($0) })
        do {
            let result = try await body(store)
            await store.shutdown()
            return result
        } catch {
            await store.shutdown()
            throw error
        }
    }

    /// `--since`/`--until` as stored timestamps: a duration back from now, or an ISO 8601 date-time.
    static func instant(_ option: String, _ arguments: ParsedArguments) throws(UsageError) -> String? {
        guard let text = arguments[option] else { return nil }
        if let seconds = DurationParser.seconds(text) {
            return Timestamp.iso8601UTC(Date().addingTimeInterval(-Double(seconds)))
        }
        guard let instant = ISO8601DateTime(text) else {
            throw UsageError("\(option) takes a duration (30s, 15m, 24h, 7d) or an ISO 8601 date-time with a zone")
        }
        return Timestamp.iso8601UTC(Date(timeIntervalSince1970: Double(instant.millisecondsSince1970) / 1000))
    }

    /// `--limit`, 1-500 (50 when absent), as the API takes it.
    static func limit(_ arguments: ParsedArguments) throws(UsageError) -> Int {
        let limit = Int(arguments["--limit"] ?? String(ListQueryParameters.defaultLimit)) ?? 0
        guard (1...ListQueryParameters.maximumLimit).contains(limit) else { throw UsageError("--limit takes 1-500") }
        return limit
    }

    private static func list(_ arguments: ParsedArguments) async -> Int32 {
        let query: RejectionQuery
        do {
            let limit = Int(arguments["--limit"] ?? "50") ?? 0
            guard (1...ListQueryParameters.maximumLimit).contains(limit) else {
                throw UsageError("--limit takes 1-500")
            }
            query = RejectionQuery(
                code: arguments["--code"] ?? arguments["--reason"], clientID: arguments["--client"],
                since: try instant("--since", arguments), until: try instant("--until", arguments), limit: limit)
        } catch {
            return CommandRunner.usage(String(describing: error))
        }
        return await CommandRunner.failing {
            let page = try await withStore(arguments) { try await $0.rejections(matching: query) }
            if arguments.has("--json") {
                for record in page.records { CommandOutput.printJSON(RejectionsHandler.json(record)) }
                return
            }
            CommandOutput.printTable(
                header: ["ID", "OCCURRED AT", "STATUS", "CODE", "CLIENT", "REMOTE", "PATH", "REQUEST ID"],
                rows: page.records.map {
                    [
                        String($0.id), $0.occurredAt, String($0.status), $0.code, $0.clientID ?? "-", $0.remoteAddress,
                        "\($0.method) \($0.path)", $0.requestID,
                    ]
                })
        }
    }

    private static func summary(_ arguments: ParsedArguments) async -> Int32 {
        let since: String?
        let until: String?
        do {
            since = try instant("--since", arguments)
            until = try instant("--until", arguments)
        } catch {
            return CommandRunner.usage(String(describing: error))
        }
        return await CommandRunner.failing {
            let summary = try await withStore(arguments) { try await $0.rejectionSummary(since: since, until: until) }
            if arguments.has("--json") {
                CommandOutput.printJSON(RejectionsHandler.summaryJSON(summary))
                return
            }
            print("Total refusals: \(summary.total)\n")
            CommandOutput.printTable(
                header: ["CODE", "COUNT"], rows: summary.byCode.map { [$0.code, String($0.count)] })
            print("")
            CommandOutput.printTable(
                header: ["CLIENT", "COUNT"],
                rows: summary.byClient.map { [$0.clientID ?? "(unknown)", String($0.count)] })
        }
    }

    private static func verify(_ arguments: ParsedArguments) async -> Int32 {
        do {
            let (broken, total) = try await withStore(arguments) { store in
                (try await store.verifyRejectionChain(), try await store.rejectionSummary(since: nil, until: nil).total)
            }
            if let broken {
                print("Audit chain BROKEN at record \(broken.recordID): \(broken.reason)")
                return CommandLineInterface.ExitStatus.failure
            }
            print("Audit chain intact (\(total) records).")
            return CommandLineInterface.ExitStatus.success
        } catch {
            CommandLineInterface.printError("gateway: \(error)")
            return CommandLineInterface.ExitStatus.failure
        }
    }
}
